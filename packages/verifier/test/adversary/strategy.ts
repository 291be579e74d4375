/**
 * The operator's strategy space: a strategy is a short list of steps, each one thing the attacker
 * model allows (it drives chips, copies and restores their state and log, and composes bundles from
 * any signed material it has ever obtained; it never signs). Steps name instances, snapshots, pool
 * items and verifiers by small numbers taken modulo what exists when the step runs, so every list of
 * steps is meaningful and fast-check can shrink one by dropping steps or lowering numbers.
 *
 * Each step prints as the call that builds it, so a shrunk counter-example pastes into a test as
 * `runScenario(scenario(...))`.
 */
import fc from 'fast-check';
import { VARIANTS } from './world.js';

const VARIANT_COUNT = VARIANTS.length;
/** Licences per chip (world.ts): L0 and L1 by the provisioned issuers, L2 by the rotated ones, L3 requiring SVN 2. */
const LICENCE_COUNT = 4;

/** How the operator composes one bundle. Every field is optional; absent means what an honest operator does. */
export interface Compose {
  /** 'fresh' (default): the chip attests to this verifier's nonce now; or replay a report from the pool. */
  readonly report?: 'fresh' | { readonly pool: number };
  /** 'own' (default): the certificates the attesting instance gave; 'foreign': another chip's. */
  readonly certificates?: 'own' | 'foreign';
  /**
   * The checkpoint that ends the bundle's list. 'fresh' (default): one taken just before attesting;
   * 'latest': the one the chip last took (what its report names); 'none'; or any from the pool.
   * Pool references count back from the most recent checkpoint of the chip (0 = the most recent).
   */
  readonly head?: 'fresh' | 'latest' | 'none' | { readonly pool: number };
  /**
   * Checkpoints put before the head. 'own' (default): the reporting instance's own checkpoint at each
   * size the verifier remembers below the head (one it took, or the one a momentary clone of it would
   * have signed when its log had that size), so the verifier can link what it saw to the head;
   * 'none'; 'known-size', the most recent in the pool of a size the verifier remembers, from whichever
   * instance; or pool checkpoints counting back from the most recent other than a fresh head (0), past
   * the oldest of which comes the fresh head itself.
   */
  readonly earlier?: 'own' | 'none' | 'known-size' | readonly number[];
  /** 'ascending' (default): the list sorted by tree size; 'as-drawn': earlier ones then the head, unsorted. */
  readonly order?: 'ascending' | 'as-drawn';
  /**
   * Consistency receipts into the head: 'known' (default) from every size the verifier remembers and
   * every other checkpoint in the bundle; 'pool' also from every size in the pool; 'none'; or one only.
   */
  readonly receipts?: 'known' | 'pool' | 'none' | { readonly only: number };
  /** Which instance proves receipts and inclusions: 'report' (default, the attesting one) or another. */
  readonly prover?: 'report' | number;
  /**
   * Entries disclosed up to the head: 'since-known' (default) from the largest size the verifier
   * remembers; 'all' from 0; 'since-base' from the bundle's largest earlier checkpoint; 'none'; or from any index.
   */
  readonly disclose?: 'since-known' | 'all' | 'since-base' | 'none' | { readonly from: number };
  /** Drop one disclosed entry (by position). */
  readonly withhold?: number;
  /** 'named' (default): the licence the report names, as issued; 'all' of the chip's; 'none'; or any encoding of one. */
  readonly licences?: 'named' | 'all' | 'none' | { readonly licence: number; readonly variant: number };
  /**
   * How the entries are proven (verifier.md §2): 'receipts' (default) each by its inclusion receipt;
   * 'frontier' by the frontier of the log before the first one, read from its receipt, the entries
   * then carrying none. Applied after the withholding and the last change to the lists.
   */
  readonly proofs?: 'receipts' | 'frontier';
  /**
   * Issuer-set updates (bundle field 10): 'applied' (default) those the reporting instance applied,
   * in order; 'none'; 'all' that the issuers made for the chip, applied or not; 'first' only U1;
   * 'reversed' the applied ones in reverse order.
   */
  readonly updates?: 'applied' | 'none' | 'all' | 'first' | 'reversed';
  /** A last change to the lists: duplicate or reverse. */
  readonly mutate?: 'dup-entry' | 'reverse-entries' | 'dup-checkpoint' | 'dup-receipt' | 'reverse-receipts';
  /** Hold the bundle back; a later deliver() hands it to the verifier. */
  readonly later?: boolean;
}

/** One thing an instance is asked to do: a workload of so many operations (moving so many bytes of memory), or a checkpoint. */
export type Job = number | 'checkpoint' | { readonly ops: number; readonly memory: number };

/**
 * A fault of the chip's firmware, beyond the operator (who does not control the firmware): check 14
 * does not take the chip's word (verifier.md §5.2), so the adversary also drives firmware that skips
 * one of its own checks. 'forget-memory': the installed licence's remaining memory-transfer quota is
 * reset to its quota; 'count-memory': the memory-bytes counter counts a byte it never logged.
 */
export type Fault = 'forget-memory' | 'count-memory';

export type Step =
  | { readonly kind: 'work'; readonly inst: number; readonly jobs: readonly Job[] }
  | { readonly kind: 'install'; readonly inst: number; readonly licence: number; readonly variant: number; readonly lax?: boolean }
  | { readonly kind: 'upgrade'; readonly inst: number }
  | { readonly kind: 'rotate'; readonly inst: number; readonly update: number }
  | { readonly kind: 'fault'; readonly inst: number; readonly fault: Fault }
  | { readonly kind: 'reboot'; readonly inst: number }
  | { readonly kind: 'clone'; readonly inst: number }
  | { readonly kind: 'save'; readonly inst: number }
  | { readonly kind: 'restore'; readonly inst: number; readonly snapshot: number }
  | { readonly kind: 'tick'; readonly seconds: number }
  | { readonly kind: 'present'; readonly verifier: number; readonly inst: number; readonly compose: Compose }
  | { readonly kind: 'deliver'; readonly pending: number }
  | { readonly kind: 'replay'; readonly bundle: number; readonly verifier: number };

export interface Scenario {
  /** Which chip of the world the strategy starts with (one instance of it, named A). */
  readonly chip: number;
  readonly steps: readonly Step[];
}

/** A literal in TypeScript syntax: what a step prints as. */
function lit(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(lit).join(', ')}]`;
  if (typeof v === 'object' && v !== null) {
    const fields = Object.entries(v).filter(([, x]) => x !== undefined);
    return fields.length === 0 ? '{}' : `{ ${fields.map(([k, x]) => `${k}: ${lit(x)}`).join(', ')} }`;
  }
  return String(v);
}

export function renderStep(s: Step): string {
  switch (s.kind) {
    case 'work':
      return `work(${[s.inst, ...s.jobs].map(lit).join(', ')})`;
    case 'install':
      return `install(${s.inst}, ${s.licence}, ${s.variant}${s.lax ? ', true' : ''})`;
    case 'upgrade':
      return `upgrade(${s.inst})`;
    case 'rotate':
      return `rotate(${s.inst}, ${s.update})`;
    case 'fault':
      return `fault(${s.inst}, '${s.fault}')`;
    case 'reboot':
    case 'clone':
    case 'save':
      return `${s.kind}(${s.inst})`;
    case 'restore':
      return `restore(${s.inst}, ${s.snapshot})`;
    case 'tick':
      return `tick(${s.seconds})`;
    case 'present':
      return Object.keys(s.compose).length === 0 ? `present(${s.verifier}, ${s.inst})` : `present(${s.verifier}, ${s.inst}, ${lit(s.compose)})`;
    case 'deliver':
      return `deliver(${s.pending})`;
    case 'replay':
      return `replay(${s.bundle}, ${s.verifier})`;
  }
}

const printable = <T extends object>(value: T, render: () => string): T =>
  Object.defineProperty(value, fc.toStringMethod, { value: render, enumerable: false });

const step = (s: Step): Step => printable(s, () => renderStep(s));

// ----- the steps, as the counter-examples print them -----

/**
 * Instance `inst` does its jobs in order: each number a workload of that many operations (refused by
 * the chip if no licence admits it), each 'checkpoint' a signed checkpoint, which joins the pool.
 */
export const work = (inst: number, ...jobs: Job[]) => step({ kind: 'work', inst, jobs });
/**
 * Install licence `licence` of the instance's chip, in encoding `variant` (see VARIANTS); `lax`:
 * firmware that skips its SVN and issuer checks for this installation (licence.md §6, a fault).
 */
export const install = (inst: number, licence: number, variant: number, lax = false) =>
  step(lax ? { kind: 'install', inst, licence, variant, lax } : { kind: 'install', inst, licence, variant });
/** Update the instance's firmware to SVN 2 (a manufacturer-signed manifest): a firmware-updated entry and a boot. */
export const upgrade = (inst: number) => step({ kind: 'upgrade', inst });
/** Send the chip's issuer-set update U`update + 1` (refused by the chip unless it is the next one). */
export const rotate = (inst: number, update: number) => step({ kind: 'rotate', inst, update });
/** A firmware fault on the instance (see Fault). */
export const fault = (inst: number, kind: Fault) => step({ kind: 'fault', inst, fault: kind });
/** Power-cycle the instance: its boot count goes up, a new attestation-key certificate, a boot entry. */
export const reboot = (inst: number) => step({ kind: 'reboot', inst });
/** Copy the instance's state and log into a new instance; the two diverge from here. */
export const clone = (inst: number) => step({ kind: 'clone', inst });
/** Keep a copy of the instance's state and log. */
export const save = (inst: number) => step({ kind: 'save', inst });
/** Put a saved copy of state and log back in place of the instance. */
export const restore = (inst: number, snapshot: number) => step({ kind: 'restore', inst, snapshot });
/** Advance the shared clock (chips and verifiers); no tick is a frozen clock. */
export const tick = (seconds: number) => step({ kind: 'tick', seconds });
/** Get a nonce from verifier `verifier`, compose a bundle around instance `inst`, hand it over (or hold it). */
export const present = (verifier: number, inst: number, compose: Compose = {}) => step({ kind: 'present', verifier, inst, compose });
/** Hand a held bundle to the verifier that issued its nonce. */
export const deliver = (pending: number) => step({ kind: 'deliver', pending });
/** Hand an already delivered bundle again, to its verifier (its nonce) or another (that one's new nonce). */
export const replay = (bundle: number, verifier: number) => step({ kind: 'replay', bundle, verifier });

/** A strategy: the chip it starts from, and its steps. */
export const scenario = (chip: number, ...steps: Step[]): Scenario =>
  printable({ chip, steps }, () => `scenario(\n  ${[String(chip), ...steps.map(renderStep)].join(',\n  ')},\n)`);

// ----- the arbitraries -----

const inst = fc.nat({ max: 3 });
/** V0 and V1 share a store, V2 has its own: mostly the shared one. */
const verifier = fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(2) });
const small = fc.nat({ max: 7 });

/**
 * A composition departs from the honest operator in at most two ways at once: each knob that is
 * set is one departure. Mostly-honest bundles get past the checks that do not matter to an attack,
 * and shrinking moves towards the honest operator by dropping departures.
 */
const departure: fc.Arbitrary<Compose> = fc.oneof(
  { weight: 1, arbitrary: small.map((pool) => ({ report: { pool } })) },
  { weight: 1, arbitrary: fc.constant({ certificates: 'foreign' as const }) },
  { weight: 2, arbitrary: fc.oneof(fc.constantFrom('latest' as const, 'none' as const), small.map((pool) => ({ pool }))).map((head) => ({ head })) },
  {
    weight: 3,
    arbitrary: fc
      .oneof(
        { weight: 1, arbitrary: fc.constant('none' as const) },
        { weight: 1, arbitrary: fc.constant('known-size' as const) },
        { weight: 1, arbitrary: fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 2 }) },
      )
      .map((earlier) => ({ earlier })),
  },
  { weight: 1, arbitrary: fc.constant({ order: 'as-drawn' as const }) },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom('pool' as const, 'none' as const), small.map((only) => ({ only }))).map((receipts) => ({ receipts })) },
  { weight: 1, arbitrary: inst.map((prover) => ({ prover })) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(fc.constantFrom('all' as const, 'since-base' as const, 'none' as const), fc.nat({ max: 15 }).map((from) => ({ from })))
      .map((disclose) => ({ disclose })),
  },
  { weight: 1, arbitrary: fc.nat({ max: 15 }).map((withhold) => ({ withhold })) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(fc.constantFrom('all' as const, 'none' as const), fc.record({ licence: fc.nat({ max: LICENCE_COUNT - 1 }), variant: fc.nat({ max: VARIANT_COUNT - 1 }) }))
      .map((licences) => ({ licences })),
  },
  { weight: 2, arbitrary: fc.constantFrom('none' as const, 'all' as const, 'first' as const, 'reversed' as const).map((updates) => ({ updates })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('dup-entry' as const, 'reverse-entries' as const, 'dup-checkpoint' as const, 'dup-receipt' as const, 'reverse-receipts' as const)
      .map((mutate) => ({ mutate })),
  },
  { weight: 1, arbitrary: fc.constant({ later: true }) },
  { weight: 2, arbitrary: fc.constant({ proofs: 'frontier' as const }) },
);

const composeArb: fc.Arbitrary<Compose> = fc.array(departure, { maxLength: 2 }).map((ds) => Object.assign({}, ...ds) as Compose);

const jobArb: fc.Arbitrary<Job> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 5 }) },
  { weight: 2, arbitrary: fc.constant('checkpoint' as const) },
  { weight: 1, arbitrary: fc.record({ ops: fc.integer({ min: 1, max: 3 }), memory: fc.integer({ min: 1, max: 4 }) }) },
);

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(inst, fc.array(jobArb, { minLength: 1, maxLength: 4 })).map(([i, jobs]) => work(i, ...jobs)) },
  { weight: 2, arbitrary: fc.tuple(inst, fc.nat({ max: LICENCE_COUNT - 1 }), fc.nat({ max: VARIANT_COUNT - 1 })).map(([i, l, v]) => install(i, l, v)) },
  { weight: 1, arbitrary: fc.tuple(inst, fc.nat({ max: LICENCE_COUNT - 1 })).map(([i, l]) => install(i, l, 0, true)) },
  { weight: 1, arbitrary: inst.map(upgrade) },
  { weight: 2, arbitrary: fc.tuple(inst, fc.nat({ max: 1 })).map(([i, u]) => rotate(i, u)) },
  { weight: 1, arbitrary: fc.tuple(inst, fc.constantFrom('forget-memory' as const, 'count-memory' as const)).map(([i, f]) => fault(i, f)) },
  { weight: 2, arbitrary: inst.map(clone) },
  { weight: 1, arbitrary: inst.map(reboot) },
  { weight: 1, arbitrary: inst.map(save) },
  { weight: 1, arbitrary: fc.tuple(inst, fc.nat({ max: 3 })).map(([i, s]) => restore(i, s)) },
  { weight: 1, arbitrary: fc.constantFrom(1, 60, 300, 700).map(tick) },
  { weight: 8, arbitrary: fc.tuple(verifier, inst, composeArb).map(([v, i, c]) => present(v, i, c)) },
  { weight: 1, arbitrary: fc.nat({ max: 3 }).map(deliver) },
  { weight: 1, arbitrary: fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 2 })).map(([b, v]) => replay(b, v)) },
);

export const MAX_STEPS = 14;

/**
 * A strategy: a chip, then steps. An operator about to cheat has usually copied its chip before
 * anything else, so a strategy often opens with a clone or a saved snapshot of the chip as shipped.
 */
export const scenarioArb: fc.Arbitrary<Scenario> = fc
  .tuple(
    fc.nat({ max: 1 }),
    fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, { weight: 2, arbitrary: fc.constant([clone(0)]) }, { weight: 1, arbitrary: fc.constant([save(0)]) }),
    fc.array(stepArb, { minLength: 1, maxLength: MAX_STEPS }),
  )
  .map(([chip, opening, steps]) => scenario(chip, ...opening, ...steps));
