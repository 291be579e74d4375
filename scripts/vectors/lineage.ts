/**
 * test-vectors/accounting/lineage.json: lineage accounting (packages/verifier/src/accounting/lineage*.ts,
 * specs/verifier.md §6.2): opened lineage workloads, what the verifier knows of the chips and the
 * declared models in; the lineage report out, or the code for input it refuses. Graphs with diamonds,
 * cycles, missing parents and duplicate disclosures. Counts are decimal strings, UEIDs and state
 * digests lowercase hex.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import {
  accountLineage,
  lineageReportToJson,
  type LineageEvidence,
  type LineageOptions,
  type LineageReportJson,
} from '../../packages/verifier/src/accounting/index.js';
import { confirm, fromHex, hex, renderVectorFile, type VectorBase } from './vector-file.js';

export const LINEAGE_FORMAT = 'hemkit-lineage/v1';

export interface LineageWorkloadJson {
  readonly ueid: string;
  readonly logIndex: number;
  readonly ops: string;
  readonly workloadId: string;
  readonly parents: readonly string[];
  readonly produced: string;
  readonly time: number;
  readonly busyChipSeconds?: number;
}
export interface LineageChipJson {
  readonly ueid: string;
  readonly holder?: string;
  readonly licenceExpiry?: number;
  readonly unaccountedOps?: string;
}
export interface LineageOptionsJson {
  readonly thresholds?: readonly { readonly id: string; readonly description: string; readonly ops: string }[];
  readonly now?: number;
  readonly noticeSeconds?: number;
  readonly missingParents?: 'lower-bound' | 'refuse';
}
interface LineageVector extends VectorBase {
  readonly workloads: readonly LineageWorkloadJson[];
  readonly chips?: readonly LineageChipJson[];
  readonly declaredModels?: readonly { readonly state: string; readonly ops: string }[];
  readonly options?: LineageOptionsJson;
  readonly report?: LineageReportJson;
}

/** The evidence and options a vector describes, in the accounting module's types. */
export function lineageOf(v: Omit<LineageVector, 'id' | 'description' | 'result'>): { evidence: LineageEvidence; options: LineageOptions } {
  const evidence: LineageEvidence = {
    workloads: v.workloads.map((w) => ({
      ueid: fromHex(w.ueid),
      logIndex: w.logIndex,
      ops: BigInt(w.ops),
      workloadId: w.workloadId,
      parents: w.parents.map(fromHex),
      produced: fromHex(w.produced),
      time: w.time,
      ...(w.busyChipSeconds !== undefined ? { busyChipSeconds: w.busyChipSeconds } : {}),
    })),
    ...(v.chips !== undefined
      ? {
          chips: v.chips.map((c) => ({
            ueid: fromHex(c.ueid),
            ...(c.holder !== undefined ? { holder: c.holder } : {}),
            ...(c.licenceExpiry !== undefined ? { licenceExpiry: c.licenceExpiry } : {}),
            ...(c.unaccountedOps !== undefined ? { unaccountedOps: c.unaccountedOps === 'unbounded' ? ('unbounded' as const) : BigInt(c.unaccountedOps) } : {}),
          })),
        }
      : {}),
    ...(v.declaredModels !== undefined ? { declaredModels: v.declaredModels.map((m) => ({ state: fromHex(m.state), ops: BigInt(m.ops) })) } : {}),
  };
  const o = v.options ?? {};
  const options: LineageOptions = {
    ...(o.thresholds !== undefined ? { thresholds: o.thresholds.map((t) => ({ id: t.id, description: t.description, ops: BigInt(t.ops) })) } : {}),
    ...(o.now !== undefined ? { now: o.now } : {}),
    ...(o.noticeSeconds !== undefined ? { noticeSeconds: o.noticeSeconds } : {}),
    ...(o.missingParents !== undefined ? { missingParents: o.missingParents } : {}),
  };
  return { evidence, options };
}

const E24 = 10n ** 24n;
const E25 = 10n ** 25n;
const T = 1_800_000_000;
const ueid = (n: number) => hex(Uint8Array.of(0x01, ...new Uint8Array(12), 0, 0, 0, n));
/** A model state's digest: SHA-256 over a label standing in for its weights. */
const state = (name: string) => hex(sha256(new TextEncoder().encode(`hemkit vectors: model state ${name}`)));
let index = 0;
const w = (chip: number, produced: string, parents: readonly string[], ops: bigint, over: Partial<LineageWorkloadJson> = {}): LineageWorkloadJson => ({
  ueid: ueid(chip),
  logIndex: index++,
  ops: String(ops),
  workloadId: `run-${produced}`,
  parents: parents.map(state),
  produced: state(produced),
  time: T,
  ...over,
});
const EU: LineageOptionsJson = { thresholds: [{ id: 'eu-ai-act-art-51-2', description: 'EU AI Act Art. 51(2): cumulative training compute greater than 10^25', ops: String(E25) }], now: T };

function cases(): Omit<LineageVector, 'report'>[] {
  index = 0;
  type Extra = Partial<Pick<LineageVector, 'chips' | 'declaredModels' | 'options'>>;
  const ok = (id: string, description: string, workloads: readonly LineageWorkloadJson[], extra: Extra = {}) => ({ id, description, workloads, options: EU, ...extra, result: 'valid' as const });
  const bad = (id: string, code: string, description: string, workloads: readonly LineageWorkloadJson[], extra: Extra = {}) =>
    ({ id, description, workloads, options: EU, ...extra, result: 'invalid' as const, code });
  const dup = w(1, 'd', [], 6n * E24);
  return [
    ok('empty', 'no workloads: nothing itemised', []),
    ok('chain-below', 'a chain of three states at 9e24 in all: aggregated, never named', [w(1, 'a', [], 5n * E24), w(1, 'b', ['a'], 3n * E24), w(1, 'c', ['b'], E24)]),
    ok('chain-crosses', 'a chain crossing 10^25 only when its ancestors are added: the last state is itemised with its ancestry\'s edges', [w(1, 'a', [], 6n * E24), w(1, 'b', ['a'], 3n * E24), w(1, 'c', ['b'], 2n * E24)]),
    ok('chain-with-diamond', 'a → b, a → c, (b, c) → d: a counted once in d (11e24, not 15e24)', [w(1, 'a', [], 4n * E24), w(2, 'b', ['a'], 2n * E24), w(3, 'c', ['a'], 2n * E24), w(4, 'd', ['b', 'c'], 3n * E24)]),
    ok('diamond-just-below', 'the same diamond with 2e24 at d: 10^25 exactly, which does not pass; without deduplication it would be 1.4e25', [w(1, 'a2', [], 4n * E24), w(2, 'b2', ['a2'], 2n * E24), w(3, 'c2', ['a2'], 2n * E24), w(4, 'd2', ['b2', 'c2'], 2n * E24)]),
    ok('split-and-relabelled-run', 'one state produced on five chips under five workload ids, 2.1e24 each: one model of 1.05e25', [1, 2, 3, 4, 5].map((c, i) => w(c, 'big', [], 21n * 10n ** 23n, { workloadId: `part-${i}` }))),
    ok('missing-parent-lower-bound', 'a fine-tune of a state nothing produced or declared: counted as 0, the total a lower bound', [w(1, 'tuned', ['unknown-base'], 11n * E24)]),
    bad('missing-parent-refused', 'LINEAGE_PARENT_MISSING', 'the same under the refuse rule', [w(1, 'tuned2', ['unknown-base2'], E24)], { options: { ...EU, missingParents: 'refuse' } }),
    ok('declared-base-model', 'a fine-tune of a declared outside model of 5e24 with 2e24: a modification (more than a third)', [w(2, 'tune-open', ['open-weights'], 2n * E24)], { declaredModels: [{ state: state('open-weights'), ops: String(5n * E24) }] }),
    ok('modification-just-over-a-third', 'another holder fine-tunes a 3e25 base in three relabelled steps totalling 1e25 + 1', [w(1, 'base', [], 3n * E25), w(2, 'ft1', ['base'], 4n * E24, { workloadId: 'x' }), w(2, 'ft2', ['ft1'], 4n * E24, { workloadId: 'y' }), w(2, 'ft3', ['ft2'], 2n * E24 + 1n, { workloadId: 'z' })], { chips: [{ ueid: ueid(1), holder: 'lab' }, { ueid: ueid(2), holder: 'tuner' }] }),
    ok('modification-exactly-a-third', 'the same fine-tune at exactly 1e25: not more than a third', [w(1, 'base3', [], 3n * E25), w(2, 'ft3x', ['base3'], E25)], { chips: [{ ueid: ueid(1), holder: 'lab' }, { ueid: ueid(2), holder: 'tuner' }] }),
    ok('projected-crossing', 'a leaf at 9e24, 1e19 operations per busy second, two days of licence left: projected over 10^25 within the notice period', [w(1, 'running', [], 9n * E24, { busyChipSeconds: 900_000 })], { chips: [{ ueid: ueid(1), licenceExpiry: T + 2 * 86_400 }] }),
    ok('undetermined-silent-chips', 'a holder\'s model at 8e24 while another chip of the holder hides up to 4e24: undetermined', [w(1, 'hidden', [], 8n * E24)], { chips: [{ ueid: ueid(1), holder: 'evader' }, { ueid: ueid(9), holder: 'evader', unaccountedOps: String(4n * E24) }] }),
    ok('duplicate-disclosure-counted-once', 'one entry disclosed three times, identically: counted once', [dup, dup, dup]),
    bad('conflicting-duplicate-refused', 'LINEAGE_CONFLICTING_ENTRY', 'one entry disclosed with two produced states', [dup, { ...dup, produced: state('other') }]),
    bad('cycle-refused', 'LINEAGE_CYCLE', 'p from q and q from p', [w(1, 'p', ['q'], 1n), w(1, 'q', ['p'], 1n)]),
    bad('self-parent-refused', 'LINEAGE_CYCLE', 'a state produced from itself', [w(1, 'self', ['self'], 1n)]),
    bad('cycle-below-a-root', 'LINEAGE_CYCLE', 'a root, then r → s → t → s', [w(1, 'r', [], 1n), w(1, 's', ['r', 't'], 1n), w(1, 't', ['s'], 1n)]),
    bad('state-digest-31-bytes', 'ACCOUNTING_INVALID_INPUT', 'a produced state of 31 bytes', [{ ...w(1, 'e', [], 1n), produced: '00'.repeat(31) }]),
    bad('negative-ops', 'ACCOUNTING_INVALID_INPUT', 'a workload of -1 operations', [w(1, 'neg', [], -1n)]),
  ];
}

export function generateLineageVectors(): Map<string, string> {
  const vectors: LineageVector[] = cases().map((c) => {
    let report: LineageReportJson | undefined;
    confirm(`lineage vector ${c.id}`, c, () => {
      const { evidence, options } = lineageOf(c);
      report = lineageReportToJson(accountLineage(evidence, options));
    });
    return report === undefined ? c : { ...c, report };
  });
  const text = renderVectorFile(
    {
      format: LINEAGE_FORMAT,
      generator: 'npm run vectors (scripts/vectors/lineage.ts)',
      description: 'Lineage accounting: opened lineage workloads, chips and declared models in; cumulative compute per model state, flagged states and their edges out, or the refusal',
    },
    vectors,
  );
  return new Map([['accounting/lineage.json', text]]);
}
