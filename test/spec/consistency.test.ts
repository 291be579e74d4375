/**
 * The documents of specs/ agree with each other and with the code where behaviour is decided:
 * one status-line form; the BCP 14 paragraph in every normative document; the verifier's check table
 * (ids and dependencies), the AR4SI table (check outcome → claim, value) and the CDDL's check-id are the verifier's own
 * CHECKS; every error code named anywhere in specs/ is registered, and every registered code is
 * documented; no document says "not yet implemented". Each predicate is also shown to fail.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../packages/verifier/src/appraise.js';
import { AFFIRMS, CONTRADICTS } from '../../packages/verifier/src/ar4si.js';
import { ERROR_REGISTRY } from '../../packages/wire/src/errors.js';
import { TYP } from '../../packages/wire/src/messages/typed.js';
import { read, SPECS, specDocuments } from './support.js';

const BCP14 = 'are to be interpreted as described in BCP 14 (RFC 2119, RFC 8174) when, and only when, they appear in all capitals';
const STATUS = /^Status: (v1 draft|informative|proposed)\.( |$)/;

/** The status of a document: the first line after its title, or undefined when it has none of the three forms. */
export function statusOf(text: string): string | undefined {
  const lines = text.split('\n');
  if (!lines[0]?.startsWith('# ')) return undefined;
  const first = lines.slice(1).find((l) => l.trim() !== '');
  return first === undefined ? undefined : STATUS.exec(first)?.[1];
}

export function hasBoilerplate(text: string): boolean {
  return text.replace(/\s+/g, ' ').includes(BCP14);
}

/** Rows of the table between `<!-- name:begin -->` and `<!-- name:end -->`, split into cells. */
function markedTable(text: string, name: string): string[][] {
  const begin = text.indexOf(`<!-- ${name}:begin -->`);
  const end = text.indexOf(`<!-- ${name}:end -->`);
  if (begin < 0 || end < begin) throw new Error(`no ${name} markers`);
  return text
    .slice(begin, end)
    .split('\n')
    .filter((l) => /^\| *[0-9`]/.test(l))
    .map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
}

const docs = specDocuments();
const registered = new Set(Object.keys(ERROR_REGISTRY));
const prefixes = new Set([...registered].map((c) => c.slice(0, c.indexOf('_'))));

/** Backticked tokens that look like error codes (a registered prefix, then _WORDS), and `PREFIX_*` wildcards. */
export function codesNamed(text: string): { codes: string[]; wildcards: string[] } {
  const codes = [...text.matchAll(/`([A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9])`/g)].map((m) => m[1]!).filter((c) => prefixes.has(c.slice(0, c.indexOf('_'))));
  const wildcards = [...text.matchAll(/`([A-Z][A-Z0-9]*)_\*`/g)].map((m) => m[1]!);
  return { codes, wildcards };
}

describe('status lines and requirement language', () => {
  it.each(docs.map((d) => [d.rel, d] as const))('%s has a status line in the one form', (_, d) => {
    expect(statusOf(d.text), 'the first line after the title must be "Status: v1 draft.", "Status: informative." or "Status: proposed."').toBeDefined();
  });

  it.each(docs.filter((d) => statusOf(d.text) === 'v1 draft').map((d) => [d.rel, d] as const))('normative %s carries the BCP 14 paragraph', (_, d) => {
    expect(hasBoilerplate(d.text)).toBe(true);
  });

  it('the predicates can fail', () => {
    expect(statusOf('# T\n\n**Status: v1 draft.** Decided.')).toBeUndefined();
    expect(statusOf('# T\n\nStatus: draft.')).toBeUndefined();
    expect(statusOf('# T\n\nStatus: v1 draft. Decided.')).toBe('v1 draft');
    expect(hasBoilerplate('The key words "MUST" are to be interpreted as in RFC 2119.')).toBe(false);
  });

  it('no document says that shipped behaviour is not yet implemented', () => {
    for (const d of docs) expect(d.text, d.rel).not.toMatch(/not yet implemented/i);
  });
});

describe('one vocabulary for checks', () => {
  const verifier = read(join(SPECS, 'verifier.md'));
  const rows = markedTable(verifier, 'checks');

  it('the check table of verifier.md §5 is the verifier\'s CHECKS: ids, order and dependencies', () => {
    const number = new Map(CHECKS.map((c, i) => [c.id as string, String(i + 1)]));
    const fromCode = CHECKS.map((c, i) => [String(i + 1), c.id as string, c.needs.length === 0 ? '—' : c.needs.map((n) => number.get(n)).join(', ')]);
    const fromSpec = rows.map(([n, id, needs]) => [n!, id!.replace(/`/g, ''), needs!]);
    expect(fromSpec).toEqual(fromCode);
  });

  it('the AR4SI table of attestation-result.md §3.1 is the one the verifier applies, row for row', () => {
    const rows = markedTable(read(join(SPECS, 'messages/attestation-result.md')), 'ar4si');
    const fromSpec = rows.map(([check, outcome, claim, value]) => [check!.replace(/`/g, ''), outcome!.replace(/`/g, ''), claim!, Number(value)]);
    const fromCode = CHECKS.flatMap((c) => [
      ...(AFFIRMS[c.id] ? [[c.id, 'pass', ...AFFIRMS[c.id]!]] : []),
      ...Object.entries(CONTRADICTS[c.id] ?? {}).map(([code, [claim, value]]) => [c.id, code, claim, value]),
    ]);
    expect(fromSpec).toEqual(fromCode);
    // Every failure code the table names is one the check can give (verifier.md §5).
    const checkRows = new Map(markedTable(read(join(SPECS, 'verifier.md')), 'checks').map(([, id, , codes]) => [id!.replace(/`/g, ''), codes!]));
    for (const [check, outcome] of fromSpec) if (outcome !== 'pass') expect(checkRows.get(check as string), `${check} ${outcome}`).toContain(`\`${outcome}\``);
  });

  it('the AR4SI table predicate can fail: a changed value is seen', () => {
    const rows = markedTable('<!-- ar4si:begin -->\n| `debug` | `DEBUG_ENABLED` | configuration | 96 | x |\n<!-- ar4si:end -->', 'ar4si');
    expect(Number(rows[0]![3])).not.toBe(CONTRADICTS.debug!.DEBUG_ENABLED![1]);
  });

  it('the CDDL\'s check-id is exactly the verifier\'s check ids', () => {
    const cddl = read(join(SPECS, 'cddl/hemkit.cddl'));
    const rule = /^check-id = ([^\n]*(?:\n  [^\n]*)*)/m.exec(cddl)?.[1] ?? '';
    expect([...rule.matchAll(/"([a-z-]+)"/g)].map((m) => m[1])).toEqual(CHECKS.map((c) => c.id));
  });

  it('no document uses a check id the verifier does not define in a result context', () => {
    // The vocabulary of earlier drafts (check ids, and EAR's dotted names from before -04); none of it may come back.
    for (const old of ['cert-chain', 'counters-monotonic', 'hemkit_checks', 'ear.status', 'ear.trustworthiness-vector', 'ear.verifier-id', 'ear.appraisal-policy-id', 'ear.raw-evidence']) {
      for (const d of docs) expect(d.text, `${d.rel} uses ${old}`).not.toContain(`\`${old}\``);
    }
  });
});

describe('error codes in the spec and in the registry', () => {
  it('every error code named in specs/ is registered (proposals may name codes they would add)', () => {
    for (const d of docs.filter((x) => statusOf(x.text) !== 'proposed')) {
      const { codes, wildcards } = codesNamed(d.text);
      for (const c of codes) expect(registered.has(c), `${d.rel} names ${c}, which packages/wire/src/errors.ts does not register`).toBe(true);
      for (const w of wildcards) expect(prefixes.has(w), `${d.rel} names ${w}_*, a family with no codes`).toBe(true);
    }
  });

  it('every registered code is documented in registries.md §a with a section that defines it', () => {
    const rows = markedTable(read(join(SPECS, 'registries.md')), 'error-registry');
    const documented = new Map(rows.map(([code, , where]) => [code!.replace(/`/g, ''), where!]));
    for (const code of registered) {
      expect(documented.has(code), `${code} is not in specs/registries.md §a`).toBe(true);
      expect(documented.get(code), `${code} names no defining document`).toMatch(/\]\([a-z/.-]+\.(md|cddl)\)/);
    }
  });

  it('the code scan can fail: an unregistered code is found', () => {
    const { codes } = codesNamed('fails with `COSE_NOT_A_CODE` or `CBOR_*`');
    expect(codes).toEqual(['COSE_NOT_A_CODE']);
    expect(registered.has(codes[0]!)).toBe(false);
  });
});

/** The parts of the spec an Internet-Draft needs, kept in place as the documents change. */
describe('the spec as an Internet-Draft', () => {
  const readme = read(join(SPECS, 'README.md'));
  const references = readme.slice(readme.indexOf('## References'), readme.indexOf('## Versioning'));
  const iana = read(join(SPECS, 'iana.md'));

  /** Pointers into hemkit's code: a path under packages/ or scripts/, or a backticked TypeScript file. */
  const codePointers = (text: string) => [...text.matchAll(/`[^`\n]*(?:packages\/|scripts\/|\.ts\b)[^`\n]*`/g)].map((m) => m[0]);
  /** A document's text without README's two informative sections about hemkit's code (the map of sections to code, the implementation status). */
  const normativeText = (d: { rel: string; text: string }) =>
    d.rel === 'README.md' ? d.text.slice(0, d.text.indexOf('## Section → implementing code')) + d.text.slice(d.text.indexOf('## References')) : d.text;
  /** RFC numbers and Internet-Draft names a text cites. */
  const citedRfcs = (text: string) => new Set([...text.matchAll(/\bRFC ?(\d{3,4})\b/g)].map((m) => m[1]!));
  const citedDrafts = (text: string) => new Set([...text.matchAll(/\b(draft-[a-z0-9]+(?:-[a-z][a-z0-9]*)+)/g)].map((m) => m[1]!));

  it.each(docs.filter((d) => statusOf(d.text) === 'v1 draft').map((d) => [d.rel, d] as const))('normative %s does not point into code', (_, d) => {
    expect(codePointers(normativeText(d))).toEqual([]);
  });

  it.each(docs.filter((d) => statusOf(d.text) !== 'v1 draft').map((d) => [d.rel, d] as const))('%s, not normative, uses no BCP 14 keyword', (_, d) => {
    expect(d.text.match(/\b(MUST|SHALL|SHOULD|REQUIRED|RECOMMENDED|OPTIONAL)\b/g) ?? []).toEqual([]);
  });

  it('every RFC and Internet-Draft cited anywhere in specs/ is in the references of README.md', () => {
    const listedRfcs = citedRfcs(references);
    const listedDrafts = citedDrafts(references);
    for (const d of docs) {
      for (const rfc of citedRfcs(d.text)) expect(listedRfcs.has(rfc), `${d.rel} cites RFC ${rfc}`).toBe(true);
      for (const draft of citedDrafts(d.text)) expect(listedDrafts.has(draft), `${d.rel} cites ${draft}`).toBe(true);
    }
  });

  it('every typ (a signed family) has its media type in iana.md §3, and every private-use claim its row in §1', () => {
    for (const typ of Object.values(TYP)) expect(iana, typ).toContain(`\`${typ}\``);
    const cddl = read(join(SPECS, 'cddl/hemkit.cddl'));
    const privateUse = [...cddl.matchAll(/^claim\.[a-z-]+ = (-7\d{4})$/gm)].map((m) => m[1]!);
    expect(privateUse.length).toBeGreaterThan(10);
    const section1 = iana.slice(iana.indexOf('## 1.'), iana.indexOf('## 2.'));
    for (const key of privateUse) expect(section1, `claim key ${key}`).toContain(`| −${key.slice(1)} |`);
  });

  it('every registry iana.md §4 requests names an RFC 8126 policy and a private-use range', () => {
    const section4 = iana.slice(iana.indexOf('## 4.'), iana.indexOf('## 5.'));
    const rows = section4.split('\n').filter((l) => l.startsWith('| hemkit '));
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) {
      const [, , policy, privateUse] = row.split('|').slice(1, -1).map((c) => c.trim());
      expect(policy, row).toMatch(/^(Private Use|Experimental Use|Hierarchical Allocation|First Come First Served|Expert Review|Specification Required|RFC Required|IETF Review|Standards Action|IESG Approval)\b/);
      expect(privateUse, row).not.toBe('');
    }
  });

  it('README.md carries terminology, the RFC 9334 role mapping, BCP 14, implementation status and both kinds of references', () => {
    for (const heading of ['## Terminology', '### Role mapping (RFC 9334)', '## Implementation status', '### Normative', '### Informative']) expect(readme).toContain(heading);
    expect(readme.replace(/\s+/g, ' ')).toContain('interpreted as described in BCP 14 (RFC 2119, RFC 8174)');
    for (const role of ['Attester', 'Verifier', 'Relying Party', 'Endorser', 'Reference Value Provider', 'Attestation Result', 'Evidence']) expect(readme, role).toContain(`| ${role}`);
  });

  it('the predicates can fail', () => {
    expect(codePointers('implemented in `packages/wire/src/cose/` and `headers.ts`')).toHaveLength(2);
    expect(codePointers('see [cose.md](cose.md) §7 and `COSE_KEY_INVALID`')).toEqual([]);
    expect(citedRfcs('RFC 9052 §4 and RFC9999')).toEqual(new Set(['9052', '9999']));
    expect(citedDrafts('draft-ietf-rats-ear-04 and draft-ietf-rats-corim')).toEqual(new Set(['draft-ietf-rats-ear', 'draft-ietf-rats-corim']));
    expect(normativeText({ rel: 'README.md', text: 'a\n## Section → implementing code\n`packages/x.ts`\n## Implementation status\n`packages/y`\n## References\nb' })).toBe('a\n## References\nb');
  });
});

describe('CDDL quoted in the prose', () => {
  /** The rules of a CDDL text by name, each without comments or white space (a name given twice, with /=, is joined). */
  function cddlRules(text: string): Map<string, string> {
    const rules = new Map<string, string>();
    let name: string | undefined;
    for (const line of text.split('\n')) {
      const start = /^([A-Za-z$][\w.$-]*)\s*(?:=|\/=|\/\/=)/.exec(line);
      if (start) name = start[1]!;
      if (name === undefined) continue;
      rules.set(name, (rules.get(name) ?? '') + line.replace(/;.*$/, '').replace(/\s+/g, ''));
    }
    return rules;
  }
  const cddl = cddlRules(read(join(SPECS, 'cddl/hemkit.cddl')));

  it.each(docs.map((d) => [d.rel, d] as const))('every rule %s quotes is the rule of cddl/hemkit.cddl, character for character', (_, d) => {
    for (const [, block] of d.text.matchAll(/```cddl\n([\s\S]*?)```/g)) {
      for (const [name, rule] of cddlRules(block!)) expect(rule, `${d.rel}: ${name}`).toBe(cddl.get(name));
    }
  });

  it('the comparison can fail: a dropped cut is seen', () => {
    const quoted = cddlRules('ear-appraisal = {\n  claim.ear-status => trust-tier, ; no cut\n}\n');
    expect(quoted.get('ear-appraisal')).not.toBe(cddl.get('ear-appraisal'));
    expect(cddlRules('a = 1 ; x\nb = [\n  c,\n]\n')).toEqual(new Map([['a', 'a=1'], ['b', 'b=[c,]']]));
  });
});
