/** The firmware tests' log: the reference-tree log, an oracle independent of the optimised stores. */
export { ReferenceLog } from '../../src/log/reference-log.js';
