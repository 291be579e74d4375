/**
 * Vector files for the parts around the wire layer that take bytes or plain data directly: the
 * module's stream framing and persisted records, the CDDL checker, fleet and lineage accounting and the
 * verifier's configuration files. (Module sessions and evidence have generators of their own.)
 */
import { generateAccountingVectors } from './accounting.js';
import { generateCddlVectors } from './cddl.js';
import { generateLineageVectors } from './lineage.js';
import { generateFramingVectors } from './framing.js';
import { generateStateVectors } from './state.js';
import { generateVerifierInputVectors } from './verifier-inputs.js';

export function generateComponentVectors(): Map<string, string> {
  return new Map([
    ...generateFramingVectors(),
    ...generateStateVectors(),
    ...generateCddlVectors(),
    ...generateAccountingVectors(),
    ...generateLineageVectors(),
    ...generateVerifierInputVectors(),
  ]);
}
