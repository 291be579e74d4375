export { Device, type DeviceOptions } from './device.js';
export { serveDevice, type ServeOptions } from './serve.js';
