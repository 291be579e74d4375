/**
 * A seeded fleet (the issue 14 scenario): operators, each with chips and a plan of model states to
 * train, honest or evading. The plan is the ground truth: every chip's work, including the work of
 * chips that never report. Pure: the same seed and size give the same fleet, byte for byte.
 */
import { sha256 } from '@noble/hashes/sha2.js';

export type Strategy =
  /** Small models (below every threshold), some fine-tuned from a declared open model by less than a third. */
  | 'honest-small'
  /** A frontier model trained in checkpoints to 2–4 × 10^25: crossing is the truth. */
  | 'honest-frontier'
  /** A chain that ends just under 10^25. */
  | 'honest-near'
  /** A fine-tune of a frontier model with 5–30 % of its compute. */
  | 'honest-finetune'
  /** A run at 0.9 × 10^25 whose licences keep it running into the notice period at a rate that crosses. */
  | 'honest-ongoing'
  /** One model trained on many chips, each chip's part under its own workload id. */
  | 'evade-split'
  /** A chain of checkpoints, each below the threshold and relabelled under a new id. */
  | 'evade-relabel'
  /** A run whose chips partly never hand in evidence, so that the rest stays below the threshold. */
  | 'evade-silent'
  /** A fine-tune of another holder's frontier model with just over a third of its compute, in relabelled steps. */
  | 'evade-finetune';

export const STRATEGIES: readonly Strategy[] = [
  'honest-small',
  'honest-frontier',
  'honest-near',
  'honest-finetune',
  'honest-ongoing',
  'evade-split',
  'evade-relabel',
  'evade-silent',
  'evade-finetune',
];

export const isEvading = (s: Strategy): boolean => s.startsWith('evade-');

/** One step of a plan: a model state produced from parents by every chip of the operator. */
export interface PlannedState {
  /** The state's digest (what a real chip would hash over the weights). */
  readonly digest: Uint8Array;
  readonly parents: readonly Uint8Array[];
  /** The state's own work, split over the operator's chips. */
  readonly ops: bigint;
  /** The workload id each chip discloses it under (`undefined`: one per chip, see evade-split). */
  readonly workloadId: string | undefined;
}

export interface Operator {
  readonly id: string;
  readonly strategy: Strategy;
  /** Index of its first chip in the fleet, and how many it has. */
  readonly firstChip: number;
  readonly chips: number;
  /** Chips from this index on (relative) never hand in evidence. */
  readonly silentFrom: number;
  readonly plan: readonly PlannedState[];
  /** Its licences run this long past the accounting's clock (0: they end at it). */
  readonly licenceRemainingSeconds: number;
}

export interface Fleet {
  readonly seed: string;
  readonly chips: number;
  readonly operators: readonly Operator[];
  /** Outside models the register declares (open weights), with their compute. */
  readonly declaredModels: readonly { readonly state: Uint8Array; readonly ops: bigint }[];
}

/** The fewest chips the scenario fits in: fifteen special operators of at least eight chips. */
export const MIN_CHIPS = 150;

/** The rate a chip works at in the simulation, in operations per busy second (a fiction of 10^17/s). */
export const CHIP_RATE = 10n ** 17n;

const E24 = 10n ** 24n;

/** mulberry32 over a SHA-256 of the seed: small, fast, and the same everywhere. */
function rng(seed: string): () => number {
  const h = sha256(new TextEncoder().encode(`hemkit sim: ${seed}`));
  let a = (h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function stateDigest(seed: string, label: string): Uint8Array {
  return sha256(new TextEncoder().encode(`hemkit sim ${seed}: model state ${label}`));
}

/**
 * The fleet for `chips` chips: per 10^4 chips, two operators of each special strategy (one for
 * honest-ongoing), with clusters of 1 % of the fleet (8 to 256 chips); every other chip belongs to
 * small honest operators of 4 to 32 chips.
 */
export function generateFleet(seed: string, chips: number): Fleet {
  if (!Number.isSafeInteger(chips) || chips < MIN_CHIPS) throw new RangeError(`a fleet needs at least ${MIN_CHIPS} chips, not ${chips}`);
  const random = rng(seed);
  const between = (lo: number, hi: number) => lo + random() * (hi - lo);
  /** A count of operations: `x` × 10^24, to 3 significant digits. */
  const ops24 = (x: number) => (BigInt(Math.round(x * 1000)) * E24) / 1000n;
  const scale = Math.max(1, Math.round(chips / 10_000));
  const cluster = Math.min(256, Math.max(8, Math.round(chips / 100)));
  const operators: Operator[] = [];
  let next = 0;
  const add = (strategy: Strategy, size: number, plan: (id: string) => PlannedState[], extra: Partial<Operator> = {}) => {
    const id = `${strategy}-${operators.filter((o) => o.strategy === strategy).length + 1}`;
    operators.push({ id, strategy, firstChip: next, chips: size, silentFrom: size, plan: plan(id), licenceRemainingSeconds: 0, ...extra });
    next += size;
    return operators.at(-1)!;
  };
  const state = (id: string, step: string) => stateDigest(seed, `${id}/${step}`);
  const chain = (id: string, totals: readonly bigint[], ids: (i: number) => string | undefined, root: readonly Uint8Array[] = []): PlannedState[] =>
    totals.map((ops, i) => ({ digest: state(id, `step-${i}`), parents: i === 0 ? root : [state(id, `step-${i - 1}`)], ops, workloadId: ids(i) }));

  const frontier: Operator[] = [];
  for (let k = 0; k < 2 * scale; k++) {
    const total = between(20, 40);
    frontier.push(add('honest-frontier', cluster, (id) => chain(id, [ops24(total * 0.5), ops24(total * 0.3), ops24(total * 0.2)], () => `${id}-pretrain`)));
  }
  const baseOf = (k: number) => frontier[k % frontier.length]!;
  const finalOf = (o: Operator) => o.plan.at(-1)!;
  const cumulativeOf = (o: Operator) => o.plan.reduce((s, p) => s + p.ops, 0n);
  for (let k = 0; k < 2 * scale; k++) {
    const total = between(8, 9.8);
    add('honest-near', cluster, (id) => chain(id, [ops24(total * 0.6), ops24(total * 0.4)], () => `${id}-train`));
  }
  for (let k = 0; k < 2 * scale; k++) {
    const base = baseOf(k);
    const tune = (cumulativeOf(base) * BigInt(Math.round(between(50, 300)))) / 1000n;
    add('honest-finetune', cluster, (id) => chain(id, [tune], () => `${id}-tune`, [finalOf(base).digest]));
  }
  for (let k = 0; k < scale; k++) {
    // 9.6e24 done at CHIP_RATE per chip: the ten days its licences still run add 8.64e22 per chip,
    // at least 6.9e23 on a cluster of 8 or more, so it crosses 10^25 within the notice period.
    add('honest-ongoing', cluster, (id) => chain(id, [ops24(9.6)], () => `${id}-train`), { licenceRemainingSeconds: 10 * 86_400 });
  }
  for (let k = 0; k < 2 * scale; k++) {
    const total = between(12, 20);
    add('evade-split', cluster, (id) => [{ digest: state(id, 'model'), parents: [], ops: ops24(total), workloadId: undefined }]);
  }
  for (let k = 0; k < 2 * scale; k++) {
    const steps = 4 + Math.floor(random() * 3);
    const per = between(2.5, 4.5);
    add('evade-relabel', cluster, (id) => chain(id, Array.from({ length: steps }, () => ops24(per)), (i) => `${id}-label-${i}`));
  }
  for (let k = 0; k < 2 * scale; k++) {
    const total = between(11, 15.5);
    const silent = Math.ceil(cluster * 0.4);
    add('evade-silent', cluster, (id) => chain(id, [ops24(total)], () => `${id}-run`), { silentFrom: cluster - silent });
  }
  for (let k = 0; k < 2 * scale; k++) {
    const base = baseOf(k + 1);
    const tune = (cumulativeOf(base) * BigInt(Math.round(between(340, 380)))) / 1000n;
    const parts = [tune / 3n, tune / 3n, tune - 2n * (tune / 3n)];
    add('evade-finetune', cluster, (id) => chain(id, parts, (i) => `${id}-part-${i}`, [finalOf(base).digest]));
  }

  const openModel = stateDigest(seed, 'open-weights-base');
  const declaredModels = [{ state: openModel, ops: 5n * E24 }];
  while (next < chips) {
    const size = Math.min(chips - next, 4 + Math.floor(random() * 29));
    const steps = 1 + Math.floor(random() * 3);
    const fineTune = random() < 0.3;
    const total = Math.exp(between(Math.log(1e-4), Math.log(fineTune ? 1.5 : 5)));
    add('honest-small', size, (id) =>
      chain(id, Array.from({ length: steps }, () => ops24(total / steps)), () => `${id}-job`, fineTune ? [openModel] : []),
    );
  }
  return { seed, chips, operators, declaredModels };
}

/** Operator of chip `index` (operators hold consecutive chips). */
export function operatorOf(fleet: Fleet, index: number): Operator {
  let lo = 0;
  let hi = fleet.operators.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (fleet.operators[mid]!.firstChip <= index) lo = mid;
    else hi = mid - 1;
  }
  return fleet.operators[lo]!;
}

/** The operations chip `k` of `chips` runs for a state of `ops`: an even share, the remainder on the last chip. */
export function shareOf(ops: bigint, k: number, chips: number): bigint {
  const share = ops / BigInt(chips);
  return k === chips - 1 ? ops - share * BigInt(chips - 1) : share;
}
