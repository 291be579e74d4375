/**
 * Writes the JSON Schemas (draft 2020-12) of the verifier's JSON inputs into specs/schemas/, from
 * the zod schemas the verifier itself parses them with (packages/verifier/src/inputs.ts), so that
 * the spec's schemas and the code cannot drift: test/spec/schemas.test.ts regenerates them and
 * fails on any difference.
 *
 *   npx tsx scripts/spec-schemas.ts            # write
 *   npx tsx scripts/spec-schemas.ts --check    # write nothing; exit 1 if a file would change
 *
 * What zod checks beyond JSON Schema (refinements and transforms: a key that decodes as a COSE_Key,
 * a threshold no larger than the issuer list, a peak rate below 2^128) is stated in prose in
 * specs/verifier.md §3 and is not in these files.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { policySchema, referenceValuesSchema, trustAnchorsSchema } from '../packages/verifier/src/inputs.js';

const DIR = join(import.meta.dirname, '../specs/schemas');
const BASE = 'https://hemkit.invalid/schemas/';

const SOURCES = [
  ['trust-anchors.schema.json', 'Verifier trust anchors', 'specs/verifier.md §3. Generated from packages/verifier/src/inputs.ts (trustAnchorsSchema) by scripts/spec-schemas.ts; do not edit.', trustAnchorsSchema],
  ['reference-values.schema.json', 'Verifier reference values', 'specs/verifier.md §3. Generated from packages/verifier/src/inputs.ts (referenceValuesSchema) by scripts/spec-schemas.ts; do not edit.', referenceValuesSchema],
  ['policy.schema.json', 'Verifier appraisal policy', 'specs/verifier.md §3. Generated from packages/verifier/src/inputs.ts (policySchema) by scripts/spec-schemas.ts; do not edit.', policySchema],
] as const;

/** The files this script owns, by name, with their content. */
export function generatedSchemas(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, title, description, schema] of SOURCES) {
    // io: 'input' describes what a person writes (defaults optional), not what the parser returns.
    const generated = z.toJSONSchema(schema as z.ZodType, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
    const { $schema, ...rest } = generated;
    out.set(name, `${JSON.stringify({ $schema, $id: BASE + name, title, description, ...rest }, null, 2)}\n`);
  }
  return out;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [name, text] of generatedSchemas()) {
    const path = join(DIR, name);
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      // absent: written below
    }
    if (current === text) continue;
    stale++;
    if (check) console.error(`${name} is out of date`);
    else writeFileSync(path, text);
  }
  if (check && stale > 0) process.exit(1);
}
