export { main, VERSION } from './main.js';
export { EXIT, type Io } from './io.js';
export { describe as describeMessage } from '@hemkit/inspector';
export { render as renderMessage } from './inspect.js';
