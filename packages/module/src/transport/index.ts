/** Length-prefixed framing for the device process's stdio and Unix-socket transports (frame.ts). */

export { createFrameClient, stdioClient, type FrameClient } from './client.js';
export {
  DEFAULT_MAX_FRAME_BYTES,
  encodeFrame,
  FRAME_HEADER_BYTES,
  FrameDecoder,
  type FrameOptions,
} from './frame.js';
export { createSerialQueue, type SerialQueue } from './serial.js';
export { readFrames, serveFrames, writeFrame, type FrameHandler } from './stream.js';
export {
  connectUnixSocket,
  createUnixSocketServer,
  type UnixSocketServer,
  type UnixSocketServerOptions,
} from './unix-socket.js';
