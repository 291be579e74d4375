/**
 * `hemkit spec check --json-schema NAME <file>...`: JSON inputs and outputs (trust anchors, reference
 * values, policy, accounting input and report, the attestation result, the vector files) validated
 * against their JSON Schemas (draft 2020-12, specs/schemas/). Exit status as for every hemkit command:
 * 0 every file is valid, 1 one is not (one line per error, with its JSON pointer), 2 unusable input
 * (a file that cannot be read or is not JSON: then no file is checked, so a typo cannot pass for a
 * result).
 *
 * `trust-anchors` also takes the CLI's trust file (hemkit module export-trust): trust anchors with the
 * reference values under "referenceValues", which are checked against `reference-values`.
 *
 * The schemas are read from packages/cli/schemas/, a copy of specs/schemas/ that the package ships
 * (scripts/cli-schemas.mjs writes it; test/json-schema.test.ts keeps it equal to specs/schemas/).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { readInput } from './files.js';
import { UsageError, type Io } from './io.js';
import { JSON_SCHEMAS, type JsonSchemaName } from './options.js';

/** Where the shipped schemas are: `schemas/` beside `src/` and `dist/` in the hemkit package. */
export const SCHEMA_DIR: URL = new URL('../schemas/', import.meta.url);

const SUFFIX = '.schema.json';
const BASE = 'https://hemkit.invalid/schemas/';

/** The schema files the package holds, by name (`trust-anchors` for trust-anchors.schema.json). */
export function shippedSchemaFiles(): string[] {
  return readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith(SUFFIX))
    .sort();
}

function loadAjv(): Ajv2020 {
  if (!existsSync(SCHEMA_DIR)) throw new UsageError(`the JSON Schemas are missing from this installation (${SCHEMA_DIR.pathname})`);
  // strict as the spec's own test compiles them; allErrors so that every fault of a file is listed.
  const ajv = new Ajv2020({ strict: true, strictTypes: false, strictRequired: false, allErrors: true });
  for (const file of shippedSchemaFiles()) ajv.addSchema(JSON.parse(readFileSync(new URL(file, SCHEMA_DIR), 'utf8')) as object);
  return ajv;
}

/** One line per error: the file, the JSON pointer (RFC 6901) as a URI fragment, and what is wrong. */
function errorLine(file: string, error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  let message = error.message ?? error.keyword;
  if (error.keyword === 'additionalProperties') message += `: '${String(params['additionalProperty'])}'`;
  else if (error.keyword === 'enum' && Array.isArray(params['allowedValues'])) message += `: ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  else if (error.keyword === 'const') message += `: ${JSON.stringify(params['allowedValue'])}`;
  return `FAIL ${file}#${error.instancePath}: ${message}`;
}

export async function jsonSchemaCheck(io: Io, name: JsonSchemaName, files: readonly string[]): Promise<number> {
  if (!(JSON_SCHEMAS as readonly string[]).includes(name)) throw new UsageError(`no JSON Schema '${name}'; the schemas are ${JSON_SCHEMAS.join(', ')}`);
  // Every input is read and parsed before anything is checked: an unusable one means no verdict at all.
  const documents: { file: string; value: unknown }[] = [];
  for (const file of files) {
    const text = new TextDecoder().decode(await readInput(io, file));
    try {
      documents.push({ file, value: JSON.parse(text) as unknown });
    } catch (e) {
      throw new UsageError(`${file} is not JSON: ${(e as Error).message}`);
    }
  }
  const ajv = loadAjv();
  const schema = (n: string) => {
    const v = ajv.getSchema(`${BASE}${n}${SUFFIX}`);
    if (v === undefined) throw new UsageError(`the JSON Schema '${n}' is missing from this installation`);
    return v;
  };
  const validate = schema(name);
  let failed = 0;
  for (const { file, value } of documents) {
    const errors = errorsOf(value);
    if (errors.length === 0) {
      io.stdout.write(`ok   ${file}\n`);
      continue;
    }
    failed++;
    for (const error of errors) io.stdout.write(`${errorLine(file, error)}\n`);
  }

  function errorsOf(value: unknown): ErrorObject[] {
    // The CLI's trust file (hemkit module export-trust, hemkit verify --trust) is trust anchors with
    // the reference values beside them under "referenceValues": each part against its own schema.
    if (name === 'trust-anchors' && typeof value === 'object' && value !== null && !Array.isArray(value) && 'referenceValues' in value) {
      const { referenceValues, ...anchors } = value as Record<string, unknown>;
      const reference = schema('reference-values');
      const own = validate(anchors) ? [] : [...(validate.errors ?? [])];
      const theirs = reference(referenceValues) ? [] : (reference.errors ?? []).map((e) => ({ ...e, instancePath: `/referenceValues${e.instancePath}` }));
      return [...own, ...theirs];
    }
    return validate(value) ? [] : [...(validate.errors ?? [])];
  }

  const n = documents.length;
  io.stdout.write(`${n} file${n === 1 ? '' : 's'} checked against JSON Schema '${name}': ${n - failed} ok, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}
