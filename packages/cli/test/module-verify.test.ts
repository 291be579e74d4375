/**
 * The command line as a researcher and a verifier use it, with the CLI alone: a chip driven verb by
 * verb, trust exported from the factory, a challenge, evidence, a verified first and second
 * appraisal, a replay caught, openings disclosed from the journal and accounted.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FACTORY_FIRMWARE, SIM_PEAK_OPS_PER_SECOND } from '@hemkit/module';
import { hemkit, licensedChip } from './run.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'hemkit-cli-'));

describe('hemkit module and hemkit verify, end to end with the CLI alone', () => {
  it('exports trust, challenges, affirms a first and a second appraisal, and catches a replay', async () => {
    const cwd = fresh();
    const h = (...argv: string[]) => hemkit(argv, { cwd });
    await licensedChip(cwd);
    // Public keys only, in the JSON verify reads; reference values with the model's peak rate.
    const trust = JSON.parse(readFileSync(join(cwd, 'trust.json'), 'utf8'));
    const factory = JSON.parse(readFileSync(join(cwd, 'fab', 'factory.json'), 'utf8'));
    const text = JSON.stringify(trust);
    for (const secret of [factory.manufacturerKey, ...factory.issuerKeys]) expect(text).not.toContain(secret);
    expect(trust.referenceValues.models[0]).toMatchObject({ hwmodel: 'hemkit-sim-a1', peakOpsPerSecond: SIM_PEAK_OPS_PER_SECOND.toString(), firmware: [{ measurement: Buffer.from(FACTORY_FIRMWARE).toString('hex'), svn: 1 }] });

    expect((await h('module', 'run', 'chip', '--ops', '1e21', '--repeat', '3', '--workload-id', 'train-1')).code).toBe(0);
    const replay = await h('module', 'install', 'chip', 'chip.lic');
    expect(replay.code).toBe(1);
    expect(replay.err).toMatch(/^hemkit: the chip refused: LICENCE_REPLAYED: /);
    const status = await h('module', 'status', 'chip', '--json');
    expect(JSON.parse(status.out)).toMatchObject({ lockState: 'unlocked', counters: { totalOps: '3000000000000000000000', opsByPrecision: { bf16: '3000000000000000000000' } } });

    // First appraisal.
    expect((await h('challenge', '--store', 'v.sqlite', '--out', 'c1.json')).code).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, 'c1.json'), 'utf8'))).toMatchObject({ format: 'hemkit-challenge/v1', knownTreeSize: 0 });
    expect((await h('module', 'evidence', 'chip', '--challenge', 'c1.json', '--licence', 'chip.lic', '--open', 'all', '--out', 'b1.cbor')).code).toBe(0);
    const first = await h('verify', 'b1.cbor', '--trust', 'trust.json', '--challenge', 'c1.json', '--store', 'v.sqlite');
    expect(first.code, first.out + first.err).toBe(0);
    expect(first.out).toContain('AFFIRMING');

    // The chip runs on; the verifier's challenge says what it remembers; the second appraisal affirms.
    expect((await h('module', 'run', 'chip', '--ops', '1e21', '--workload-id', 'train-1')).code).toBe(0);
    expect((await h('challenge', '--store', 'v.sqlite', '--for', 'b1.cbor', '--out', 'c2.json')).code).toBe(0);
    const c2 = JSON.parse(readFileSync(join(cwd, 'c2.json'), 'utf8'));
    expect(c2.knownTreeSize).toBeGreaterThan(0);
    expect((await h('module', 'evidence', 'chip', '--challenge', 'c2.json', '--licence', 'chip.lic', '--out', 'b2.cbor')).code).toBe(0);
    const second = await h('verify', 'b2.cbor', '--trust', 'trust.json', '--challenge', 'c2.json', '--store', 'v.sqlite');
    expect(second.code, second.out).toBe(0);

    // Two bundles of one chip cannot share a result (one appraisal per chip): refused before appraising (exit 2).
    const both = await h('verify', 'b1.cbor', 'b2.cbor', '--trust', 'trust.json', '--challenge', 'c1.json', '--challenge', 'c2.json', '--store', 'v.sqlite', '--json');
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/b1\.cbor and b2\.cbor are of the same chip \([0-9a-f]+\): a result holds one appraisal per chip/);
    expect(both.out).toBe('');

    // The same bundle again: its nonce was used, so it is not affirmed (exit 1).
    const again = await h('verify', 'b2.cbor', '--trust', 'trust.json', '--challenge', 'c2.json', '--store', 'v.sqlite', '--json');
    expect(again.code).toBe(1);
    expect(again.out).toContain('NONCE_REUSED');

    // Openings from the journal: the accounting attributes the run.
    const account = await h('account', 'b1.cbor', '--trust', 'trust.json', '--threshold', 'small=1e21', '--json');
    expect(account.code).toBe(0);
    expect(account.out).toContain('train-1');
    expect(account.out).toContain('3000000000000000000000');
  }, 120_000);

  it('module run --memory meters memory transfer: status shows it, and the appraisal affirms the counter against the log', async () => {
    const cwd = fresh();
    const h = (...argv: string[]) => hemkit(argv, { cwd });
    await licensedChip(cwd);
    expect((await h('module', 'status', 'chip')).out).not.toContain('memory bytes');
    expect((await h('module', 'run', 'chip', '--ops', '1e20', '--memory', '5e12', '--workload-id', 'mem')).code).toBe(0);
    expect((await h('module', 'status', 'chip')).out).toContain(', 5000000000000 memory bytes');
    expect(JSON.parse((await h('module', 'status', 'chip', '--json')).out)).toMatchObject({ counters: { memoryBytes: '5000000000000' } });
    expect((await h('challenge', '--store', 'v.sqlite', '--out', 'c1.json')).code).toBe(0);
    expect((await h('module', 'evidence', 'chip', '--challenge', 'c1.json', '--licence', 'chip.lic', '--out', 'b1.cbor')).code).toBe(0);
    const verdict = await h('verify', 'b1.cbor', '--trust', 'trust.json', '--challenge', 'c1.json', '--store', 'v.sqlite');
    expect(verdict.code, verdict.out + verdict.err).toBe(0);
    expect(verdict.out).toContain('AFFIRMING');
  });

  it('account --lineage totals a model across relabelled runs, which per-id accounting cannot (verifier.md §6.2)', async () => {
    const cwd = fresh();
    const h = (...argv: string[]) => hemkit(argv, { cwd });
    await licensedChip(cwd);
    const [A, B] = ['aa', 'bb'].map((b) => b.repeat(32));
    // One model trained in two runs under two ids: 1e21 to state A, then 1e21 more from A to B.
    expect((await h('module', 'run', 'chip', '--ops', '1e21', '--workload-id', 'part-1', '--produced-state', A!)).code).toBe(0);
    expect((await h('module', 'run', 'chip', '--ops', '1e21', '--workload-id', 'part-2', '--parent-state', A!, '--produced-state', B!)).code).toBe(0);
    expect((await h('module', 'evidence', 'chip', '--nonce', '00'.repeat(16), '--licence', 'chip.lic', '--open', 'all', '--out', 'b.cbor')).code).toBe(0);

    const byId = JSON.parse((await h('account', 'b.cbor', '--trust', 'trust.json', '--threshold', 'small=1500000000000000000000', '--json')).out);
    expect(byId.flagged).toEqual([]);
    const lineage = await h('account', 'b.cbor', '--trust', 'trust.json', '--threshold', 'small=1500000000000000000000', '--lineage', '--json');
    expect(lineage.code, lineage.err).toBe(0);
    const report = JSON.parse(lineage.out);
    expect(report.models).toHaveLength(1);
    expect(report.models[0]).toMatchObject({ state: B, flags: ['crossed'], ownOps: '1000000000000000000000', cumulativeOps: '2000000000000000000000', workloadIds: ['part-2'], unaccountedOps: '0' });
    expect(report.edges).toEqual([[A, B]]);
    const text = await h('account', 'b.cbor', '--trust', 'trust.json', '--threshold', 'small=1500000000000000000000', '--lineage');
    expect(text.out).toMatch(/crossed  bbbbbbbbbbbbbbbb…  cumulative 2\.000e21 ops \(own 1\.000e21\); ids part-2/);

    // A parent state without the state it produced is a usage error (exit 2).
    const bad = await h('module', 'run', 'chip', '--ops', '1e21', '--parent-state', A!);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--parent-state needs --produced-state');
  }, 120_000);

  it('a challenge issued for one chip and answered by another is NONCE_WRONG_CHIP (exit 1), and leaves the nonce usable', async () => {
    const cwd = fresh();
    const h = (...argv: string[]) => hemkit(argv, { cwd });
    await licensedChip(cwd, 'chip-a');
    await licensedChip(cwd, 'chip-b');
    // The verifier knows chip-a (a first appraisal), then challenges it by name.
    expect((await h('challenge', '--store', 'v.sqlite', '--out', 'c1.json')).code).toBe(0);
    expect((await h('module', 'evidence', 'chip-a', '--challenge', 'c1.json', '--licence', 'chip-a.lic', '--out', 'a1.cbor')).code).toBe(0);
    expect((await h('verify', 'a1.cbor', '--trust', 'trust.json', '--challenge', 'c1.json', '--store', 'v.sqlite')).code).toBe(0);
    expect((await h('challenge', '--store', 'v.sqlite', '--for', 'a1.cbor', '--out', 'c2.json')).code).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, 'c2.json'), 'utf8')).ueid).toMatch(/^[0-9a-f]+$/);
    // chip-b answers chip-a's challenge: same factory, a good chain, the right nonce, the wrong chip.
    expect((await h('module', 'evidence', 'chip-b', '--nonce', JSON.parse(readFileSync(join(cwd, 'c2.json'), 'utf8')).nonce, '--licence', 'chip-b.lic', '--out', 'b.cbor')).code).toBe(0);
    const wrong = await h('verify', 'b.cbor', '--trust', 'trust.json', '--challenge', 'c2.json', '--store', 'v.sqlite');
    expect(wrong.code, wrong.out + wrong.err).toBe(1);
    expect(wrong.out).toContain('NONCE_WRONG_CHIP');
    // The challenged chip can still answer with that nonce.
    expect((await h('module', 'evidence', 'chip-a', '--challenge', 'c2.json', '--licence', 'chip-a.lic', '--out', 'a2.cbor')).code).toBe(0);
    const right = await h('verify', 'a2.cbor', '--trust', 'trust.json', '--challenge', 'c2.json', '--store', 'v.sqlite');
    expect(right.code, right.out).toBe(0);
  }, 120_000);

  it('a second bundle that does not prove against the remembered head is a missing proof, never tampering', async () => {
    const cwd = fresh();
    const h = (...argv: string[]) => hemkit(argv, { cwd });
    await licensedChip(cwd);
    expect((await h('challenge', '--store', 'v.sqlite', '--out', 'c1.json')).code).toBe(0);
    expect((await h('module', 'evidence', 'chip', '--challenge', 'c1.json', '--licence', 'chip.lic', '--out', 'b1.cbor')).code).toBe(0);
    expect((await h('verify', 'b1.cbor', '--trust', 'trust.json', '--challenge', 'c1.json', '--store', 'v.sqlite')).code).toBe(0);
    await h('module', 'run', 'chip', '--ops', '1');
    // The operator ignores what the verifier remembers: a challenge that names no chip, then --known 1 (stale).
    expect((await h('challenge', '--store', 'v.sqlite', '--out', 'c2.json')).code).toBe(0);
    expect((await h('module', 'evidence', 'chip', '--challenge', 'c2.json', '--known', '1', '--licence', 'chip.lic', '--out', 'b2.cbor')).code).toBe(0);
    const r = await h('verify', 'b2.cbor', '--trust', 'trust.json', '--challenge', 'c2.json', '--store', 'v.sqlite');
    expect(r.code).toBe(1);
    expect(r.out).toContain('CONSISTENCY_PROOF_MISSING');
    expect(r.out).not.toMatch(/rewritten|tamper(?!ing\))|LOG_INCONSISTENT|LOG_FORK/);
    expect(r.out).toContain('hint: the bundle does not prove against what this verifier remembers (a missing proof, not evidence of tampering)');
  }, 60_000);

  it('update-firmware is recorded by the factory, so the exported trust affirms the updated chip', async () => {
    const cwd = fresh();
    const h = (...argv: string[]) => hemkit(argv, { cwd });
    await licensedChip(cwd);
    expect((await h('module', 'update-firmware', 'chip', '--factory', 'fab', '--svn', '2', '--measurement', 'ab'.repeat(32))).code).toBe(0);
    expect((await h('module', 'export-trust', 'fab', '--out', 'trust.json')).code).toBe(0);
    expect(readFileSync(join(cwd, 'trust.json'), 'utf8')).toContain('ab'.repeat(32));
    expect((await h('challenge', '--store', 'v.sqlite', '--out', 'c.json')).code).toBe(0);
    expect((await h('module', 'evidence', 'chip', '--challenge', 'c.json', '--licence', 'chip.lic', '--out', 'b.cbor')).code).toBe(0);
    const r = await h('verify', 'b.cbor', '--trust', 'trust.json', '--challenge', 'c.json', '--store', 'v.sqlite');
    expect(r.code, r.out).toBe(0);
  }, 60_000);

  it('keeps every run\'s salt in the openings journal, never in the log, and discloses chosen runs', async () => {
    const cwd = fresh();
    const h = (...argv: string[]) => hemkit(argv, { cwd });
    await licensedChip(cwd);
    expect((await h('module', 'run', 'chip', '--ops', '1e20', '--repeat', '4', '--workload-id', 'w')).code).toBe(0);
    const journal = readFileSync(join(cwd, 'chip', 'openings.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(journal).toHaveLength(4);
    expect(new Set(journal.map((r) => r.salt)).size).toBe(4);
    const log = readFileSync(join(cwd, 'chip', 'log', 'entries'));
    for (const r of journal) expect(log.includes(Buffer.from(r.salt, 'hex'))).toBe(false);
    // Open one run by either of its entries' indices: both entries are opened.
    const one = await h('module', 'evidence', 'chip', '--nonce', '00'.repeat(16), '--open', String(journal[1].finishedIndex), '--out', 'one.cbor', '--json');
    expect(one.code).toBe(0);
    expect(JSON.parse(one.out).opened).toBe(2);
    const inspected = JSON.parse((await h('inspect', 'one.cbor', '--json')).out);
    const opened = inspected.entries.filter((e: { opening?: unknown }) => e.opening);
    expect(opened).toHaveLength(2);
    expect(opened[0].opening.workloadDescriptor).toMatchObject({ message: 'workload-descriptor', workloadId: 'w' });
    // A run the journal does not have: exit 2, nothing written.
    const none = await h('module', 'evidence', 'chip', '--nonce', '00'.repeat(16), '--open', '999', '--out', 'none.cbor');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no run in the openings journal has log entry 999/);
    expect(existsSync(join(cwd, 'none.cbor'))).toBe(false);
    // A torn last line (a crash mid-append) is skipped; damage before it is exit 2.
    const path = join(cwd, 'chip', 'openings.jsonl');
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, `${text}{"startedIndex":9`);
    expect((await h('module', 'evidence', 'chip', '--nonce', '00'.repeat(16), '--open', 'all', '--out', 'torn.cbor')).code).toBe(0);
    writeFileSync(path, `garbage\n${text}`);
    const damaged = await h('module', 'evidence', 'chip', '--nonce', '00'.repeat(16), '--open', 'all', '--out', 'damaged.cbor');
    expect(damaged.code).toBe(2);
    expect(damaged.err).toMatch(/openings.jsonl: line 1 is not a journal record/);
  }, 60_000);

  it('verifies several bundles, each against its own nonce', async () => {
    const cwd = fresh();
    const h = (...argv: string[]) => hemkit(argv, { cwd });
    await licensedChip(cwd, 'a');
    await licensedChip(cwd, 'b');
    // b's licence is signed by the same factory, so one trust file serves both.
    for (const chip of ['a', 'b']) {
      expect((await h('challenge', '--store', 'v.sqlite', '--out', `${chip}.json`)).code).toBe(0);
      expect((await h('module', 'evidence', chip, '--challenge', `${chip}.json`, '--licence', `${chip}.lic`, '--out', `${chip}.cbor`)).code).toBe(0);
    }
    // One nonce for two bundles is a usage error, and records nothing.
    const nonce = JSON.parse(readFileSync(join(cwd, 'a.json'), 'utf8')).nonce;
    const one = await h('verify', 'a.cbor', 'b.cbor', '--trust', 'trust.json', '--nonce', nonce, '--store', 'v.sqlite');
    expect(one.code).toBe(2);
    expect(one.err).toMatch(/each bundle answers its own nonce: 2 bundle\(s\) need 2 --nonce value\(s\)/);
    const both = await h('verify', 'a.cbor', 'b.cbor', '--trust', 'trust.json', '--challenge', 'a.json', '--challenge', 'b.json', '--store', 'v.sqlite');
    expect(both.code, both.out).toBe(0);
    expect(both.out.match(/AFFIRMING/g)).toHaveLength(2);
  }, 120_000);

  it('writes a signed result with --ear, and reads a bundle from standard input', async () => {
    const cwd = fresh();
    const h = (...argv: string[]) => hemkit(argv, { cwd });
    await licensedChip(cwd);
    writeFileSync(join(cwd, 'vkey'), '11'.repeat(32));
    const c = await h('challenge', '--store', 'v.sqlite');
    writeFileSync(join(cwd, 'c.json'), c.out);
    const bundle = await h('module', 'evidence', 'chip', '--challenge', 'c.json', '--licence', 'chip.lic', '--out', '-');
    expect(bundle.code).toBe(0);
    const r = await hemkit(['verify', '-', '--trust', 'trust.json', '--challenge', 'c.json', '--store', 'v.sqlite', '--ear', 'ear.cbor', '--verifier-key', 'vkey'], { cwd, stdin: bundle.bytes });
    expect(r.code, r.out + r.err).toBe(0);
    expect((await h('inspect', 'ear.cbor')).code).toBe(0);
  }, 60_000);
});
