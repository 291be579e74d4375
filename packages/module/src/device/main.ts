/**
 * `node --import tsx packages/module/src/device/main.ts --dir D [--socket P]`: the device process
 * without the rest of the command line (the kill test spawns this; `hemkit module serve` is the same).
 */
import { serveDevice } from './serve.js';

const args = process.argv.slice(2);
const value = (flag: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const dir = value('--dir');
if (dir === undefined) {
  console.error('usage: main.ts --dir DIR [--socket PATH]');
  process.exit(2);
}
const socket = value('--socket');
await serveDevice({ dir, ...(socket !== undefined ? { socket } : {}) });
