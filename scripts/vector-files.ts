/** Every generated vector file, by path under test-vectors/ (one list, used by the script and the tests). */
import { generateModuleVectors } from '../packages/module/src/vectors/catalogue.js';
import { generateEvidenceVectors } from './vectors/evidence.js';
import { generateComponentVectors } from './vectors/components.js';
import { generateWireVectors } from './vectors/wire.js';

export function allVectorFiles(): Map<string, string> {
  return new Map([...generateModuleVectors(), ...generateEvidenceVectors(), ...generateWireVectors(), ...generateComponentVectors()]);
}
