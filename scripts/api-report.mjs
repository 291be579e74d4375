#!/usr/bin/env node
/**
 * The public API surface of every @hemkit package: for each entry point in its package.json
 * `exports`, every exported name and its kind, read from the built declaration files (dist/*.d.ts,
 * so run `npm run build` first). Written to packages/<name>/api.md; the packaging test fails when a
 * regenerated report differs from the checked-in one, so that exports change only on purpose.
 *
 *   node scripts/api-report.mjs           rewrite every packages/<name>/api.md
 *   node scripts/api-report.mjs --check   exit 1 (naming the packages) if any report is stale
 *   node scripts/api-report.mjs --json    print every report as JSON (the packaging test reads it)
 *
 * Plain JavaScript on purpose: it runs on the build's output with bare node, no tsx and no compiler
 * API (TypeScript 7's JavaScript API is still unstable). The declaration files tsc emits are regular
 * enough to read with a few patterns; a form this script does not know fails loudly.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGES = ['wire', 'module', 'verifier', 'service', 'cddl', 'inspector', 'sim', 'cli'];

const DECLARATION = [
  [/^export declare (?:abstract )?class (\w+)/, 'class'],
  [/^export declare function (\w+)/, 'function'],
  [/^export declare const enum (\w+)/, 'enum'],
  [/^export declare enum (\w+)/, 'enum'],
  [/^export declare (?:const|let|var) (\w+)/, 'const'],
  [/^export declare namespace (\w+)/, 'namespace'],
  [/^export (?:declare )?interface (\w+)/, 'interface'],
  [/^export (?:declare )?type (\w+)/, 'type'],
];
const LOCAL = [
  [/^declare (?:abstract )?class (\w+)/, 'class'],
  [/^declare function (\w+)/, 'function'],
  [/^declare (?:const )?enum (\w+)/, 'enum'],
  [/^declare (?:const|let|var) (\w+)/, 'const'],
  [/^declare namespace (\w+)/, 'namespace'],
  [/^(?:declare )?interface (\w+)/, 'interface'],
  [/^(?:declare )?type (\w+)/, 'type'],
];

/** Statements at the top level of a declaration file, comments dropped, one string each. */
function statements(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out = [];
  let depth = 0;
  let current = '';
  for (const line of code.split('\n')) {
    if (depth === 0 && line.trim() !== '') {
      if (current !== '') out.push(current);
      current = line.trim();
    } else if (depth > 0) {
      current += `\n${line}`;
    }
    for (const c of line) {
      if (c === '{' || c === '(' || c === '[') depth++;
      else if (c === '}' || c === ')' || c === ']') depth--;
    }
  }
  if (current !== '') out.push(current);
  return out;
}

/** name -> kind for everything a declaration file exports, following re-exports. */
const cache = new Map();
const inProgress = new Set();
function exportsOf(file) {
  const cached = cache.get(file);
  if (cached !== undefined) return cached;
  if (inProgress.has(file)) return new Map(); // a cycle: its names come in through the outer visit
  inProgress.add(file);
  const result = readExports(file);
  inProgress.delete(file);
  cache.set(file, result);
  return result;
}

function readExports(file) {
  if (!existsSync(file)) throw new Error(`api-report: ${relative(ROOT, file)} is missing (run npm run build)`);
  const result = new Map();
  const locals = new Map();
  const stmts = statements(readFileSync(file, 'utf8'));
  for (const s of stmts) {
    for (const [pattern, kind] of LOCAL) {
      const m = pattern.exec(s);
      if (m) {
        locals.set(m[1], kind);
        break;
      }
    }
  }
  const target = (spec) => (spec.startsWith('.') ? join(dirname(file), spec.replace(/\.js$/, '.d.ts')) : packageTypes(spec));
  for (const s of stmts) {
    const m = /^import (?:type )?\{([^}]*)\} from ['"]([^'"]+)['"];?$/s.exec(s);
    if (!m || !(m[2].startsWith('.') || m[2].startsWith('@hemkit/'))) continue;
    const from = exportsOf(target(m[2]));
    for (const raw of m[1].split(',').map((x) => x.trim()).filter(Boolean)) {
      const spec = /^(?:type )?(\w+)(?: as (\w+))?$/.exec(raw);
      if (spec && from.has(spec[1])) locals.set(spec[2] ?? spec[1], from.get(spec[1]));
    }
  }
  for (const s of stmts) {
    if (!s.startsWith('export')) continue;
    let m;
    if ((m = /^export \* from ['"]([^'"]+)['"];?$/.exec(s))) {
      for (const [name, kind] of exportsOf(target(m[1]))) result.set(name, kind);
    } else if ((m = /^export \* as (\w+) from ['"]([^'"]+)['"];?$/.exec(s))) {
      result.set(m[1], 'namespace');
    } else if ((m = /^export (type )?\{([^}]*)\}(?: from ['"]([^'"]+)['"])?;?$/s.exec(s))) {
      const typeOnly = m[1] !== undefined;
      const from = m[3] === undefined ? undefined : exportsOf(target(m[3]));
      for (const raw of m[2].split(',').map((x) => x.trim()).filter(Boolean)) {
        const spec = /^(type )?(\w+)(?: as (\w+))?$/.exec(raw);
        if (!spec) throw new Error(`api-report: cannot read export "${raw}" in ${relative(ROOT, file)}`);
        const [, typeMark, name, alias] = spec;
        const kind = from === undefined ? locals.get(name) : from.get(name);
        if (kind === undefined) throw new Error(`api-report: "${name}" in ${relative(ROOT, file)} has no declaration found`);
        result.set(alias ?? name, typeOnly || typeMark ? (isValueKind(kind) ? `type-only ${kind}` : kind) : kind);
      }
    } else if (/^export \{\s*\};?$/.test(s)) {
      // the empty export that marks a file as a module
    } else {
      const found = DECLARATION.find(([pattern]) => pattern.test(s));
      if (!found) throw new Error(`api-report: cannot read "${s.split('\n')[0]}" in ${relative(ROOT, file)}`);
      result.set(found[0].exec(s)[1], found[1]);
    }
  }
  return result;
}

/** The declaration file of a sibling package's entry (`@hemkit/wire/messages`), from its exports. */
function packageTypes(specifier) {
  const m = /^@hemkit\/(\w+)(\/.*)?$/.exec(specifier);
  if (!m) throw new Error(`api-report: cannot follow "${specifier}"`);
  const dir = join(ROOT, 'packages', m[1]);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const entry = manifest.exports[m[2] === undefined ? '.' : `.${m[2]}`];
  if (entry?.types === undefined) throw new Error(`api-report: ${specifier} is not an entry point`);
  return join(dir, entry.types);
}

const isValueKind = (kind) => ['class', 'function', 'const', 'enum', 'namespace'].includes(kind);

/** The report of one package, as the markdown that api.md holds. */
export function renderReport(pkg) {
  cache.clear();
  const dir = join(ROOT, 'packages', pkg);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const lines = [
    `# ${manifest.name}: public API`,
    '',
    'Generated by `node scripts/api-report.mjs` from the built declaration files; do not edit.',
    'A test fails when this file differs from a fresh report: regenerate it when an export changes on purpose.',
  ];
  for (const [entry, target] of Object.entries(manifest.exports ?? {})) {
    if (typeof target === 'string') continue; // ./package.json
    const specifier = entry === '.' ? manifest.name : `${manifest.name}/${entry.slice(2)}`;
    const names = [...exportsOf(join(dir, target.types))].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    lines.push('', `## ${specifier}`, '', `${names.length} exports (${target.types}):`, '');
    for (const [name, kind] of names) lines.push(`- \`${name}\`: ${kind}`);
  }
  if (manifest.bin) {
    lines.push('', '## bin', '');
    for (const [name, path] of Object.entries(manifest.bin)) lines.push(`- \`${name}\`: ${path}`);
  }
  return `${lines.join('\n')}\n`;
}

export const reportPath = (pkg) => join(ROOT, 'packages', pkg, 'api.md');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--json')) {
    process.stdout.write(JSON.stringify(Object.fromEntries(PACKAGES.map((pkg) => [pkg, renderReport(pkg)]))));
    process.exit(0);
  }
  const check = process.argv.includes('--check');
  const stale = [];
  for (const pkg of PACKAGES) {
    const text = renderReport(pkg);
    const path = reportPath(pkg);
    const old = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (old === text) continue;
    if (check) stale.push(pkg);
    else {
      writeFileSync(path, text);
      console.log(`wrote ${relative(ROOT, path)}`);
    }
  }
  if (stale.length > 0) {
    console.error(`api-report: stale report for ${stale.join(', ')}: run npm run build && node scripts/api-report.mjs`);
    process.exit(1);
  }
}
