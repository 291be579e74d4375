#!/usr/bin/env node
// Copies specs/schemas/*.schema.json, the one source of the JSON Schemas, into packages/cli/schemas/,
// which the hemkit package ships so that an installed `hemkit spec check --json-schema` has them.
// packages/cli/test/json-schema.test.ts fails when the copy differs: run `npm run schemas` after a
// change to specs/schemas (scripts/spec-schemas.ts writes those from the code).
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const from = join(root, 'specs/schemas');
const to = join(root, 'packages/cli/schemas');
mkdirSync(to, { recursive: true });
for (const name of readdirSync(to)) if (name.endsWith('.schema.json')) rmSync(join(to, name));
const names = readdirSync(from).filter((n) => n.endsWith('.schema.json')).sort();
for (const name of names) copyFileSync(join(from, name), join(to, name));
console.log(`copied ${names.length} schemas from specs/schemas to packages/cli/schemas`);
