export { main } from './main.js';
export { inspect, readCborFile } from './inspect.js';
