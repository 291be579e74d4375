/** Every generated vector file, by path under test-vectors/ (one list, used by the script and the test). */
import { generateModuleVectors } from '../packages/module/src/vectors/catalogue.js';

export function allVectorFiles(): Map<string, string> {
  return new Map([...generateModuleVectors()]);
}
