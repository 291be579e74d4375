/**
 * The memory-transfer counter and quota as a verifier appraises them (verifier.md §5, checks 1, 10,
 * 13 and 14; log-entry.md §6; licence.md §1; attestation-report.md §2), and in fleet accounting (§6.1).
 */
import { describe, expect, it } from 'vitest';
import { decode, encode } from '@hemkit/wire/cbor';
import { decodeSign1, signSign1 } from '@hemkit/wire/cose';
import { attestationReportClaims, CMD, signClaims, workloadDescriptor, type AttestationReportClaims } from '@hemkit/wire/messages';
import { typHeaders } from '../../../wire/src/messages/typed.js';
import { attestationKey } from '../../../module/src/firmware/chip.js';
import { DEFAULT_POLICY as DEFAULT_FIRMWARE_POLICY, type FirmwarePolicy } from '../../../module/src/firmware/policy/index.js';
import type { InProcessChip } from '../../../module/src/in-process.js';
import { toAppraisedChip } from '../../src/fleet.js';
import { MemoryVerifierStore } from '../../src/store/index.js';
import { toHex } from '@hemkit/wire/bytes';
import { appraiseWith, authority, backend, check, manufacturedChip, provisionedChip, seed, T0, verifierInputs } from '../support/fixture.js';
import { collect, rebuild, reportOf } from './chips.js';

const descriptor = (id: string) => encode(workloadDescriptor.toCbor({ workloadId: id }));
const run = (chip: InProcessChip, id: string, memoryBytes?: bigint) =>
  chip.send(CMD.runWorkload, { workloadDescriptor: descriptor(id), precisionClass: 4, ops: 1000n, ...(memoryBytes !== undefined ? { memoryBytes } : {}) });

/** A chip with a licence of `memoryQuota` bytes (none when undefined) that has moved 300 and then 200 bytes. */
function memoryChip(name: string, memoryQuota: bigint | undefined = 1000n) {
  const c = provisionedChip(name, memoryQuota === undefined ? {} : { memoryQuota });
  run(c.chip, 'a', 300n);
  run(c.chip, 'b');
  run(c.chip, 'c', 200n);
  return c;
}

/** A chip whose firmware policy lets memory transfer run past its licence's quota, and that licence installed. */
function lenientMemoryChip(name: string, memoryQuota: bigint) {
  const lenient: FirmwarePolicy = { ...DEFAULT_FIRMWARE_POLICY, name: 'lenient-memory', whenOverMemoryQuota: ({ memoryCost }) => ({ admit: true, charge: memoryCost }) };
  const { chip, made } = manufacturedChip(name, { policy: lenient });
  const licence = authority.issueLicence(
    { licenceId: seed(`${name} licence`).subarray(0, 16), ueid: made.ueid, sequenceNumber: 1, notBefore: T0 - 60, expiry: T0 + 86_400, opsQuota: 10n ** 6n, precisionClasses: [4], memoryQuota },
    [0, 1],
  );
  chip.send(CMD.installLicence, { licence });
  return { chip, licence };
}

/** The bundle with its report replaced by `change` of its claims, signed with the chip's own attestation key. */
function resigned(chip: InProcessChip, bundle: Uint8Array, change: (r: AttestationReportClaims) => AttestationReportClaims): Uint8Array {
  const report = signClaims(attestationReportClaims, change(reportOf(bundle)), attestationKey(chip.state!, chip.env), backend);
  return rebuild(bundle, (b) => ({ ...b, report }));
}

/**
 * A memory-metering chip affirmed once against a fresh store, then run for 50 more bytes of memory
 * transfer: the second bundle, for the store's remembered head (`known`).
 */
function affirmedThenRun(name: string) {
  const c = memoryChip(name);
  const store = new MemoryVerifierStore();
  const first = collect(c.chip, { licences: [c.licenceBytes], knownTreeSize: 0 });
  expect(appraiseWith(first.bundle, first.nonce, verifierInputs({ store })).status).toBe('affirming');
  const known = c.chip.env.log.size;
  run(c.chip, 'd', 50n);
  const second = collect(c.chip, { licences: [c.licenceBytes], knownTreeSize: known });
  return { c, store, known, second };
}

describe('a chip that meters memory transfer', () => {
  it('is affirmed: the log accounts for its counter and the remaining memory-transfer quota', () => {
    const c = memoryChip('memory-ok');
    const { bundle, nonce } = collect(c.chip, { licences: [c.licenceBytes], knownTreeSize: 0 });
    const a = appraiseWith(bundle, nonce, verifierInputs());
    expect(reportOf(bundle).counters.memoryBytes).toBe(500n);
    expect(reportOf(bundle).licenceState?.remainingMemoryQuota).toBe(500n);
    expect(check(a, 'counters-vs-log').status).toBe('pass');
    expect(check(a, 'licence').status).toBe('pass');
    expect(a.status).toBe('affirming');
    expect(a.memoryBytes).toBe(500n);
    expect(toAppraisedChip(a)?.memoryBytes).toBe(500n);
  });

  it('COUNTERS_LOG_MISMATCH: a report counting more memory than the log records', () => {
    const c = memoryChip('memory-more');
    const { bundle, nonce } = collect(c.chip, { licences: [c.licenceBytes], knownTreeSize: 0 });
    const forged = resigned(c.chip, bundle, (r) => ({ ...r, counters: { ...r.counters, memoryBytes: 501n } }));
    expect(check(appraiseWith(forged, nonce, verifierInputs()), 'counters-vs-log').code).toBe('COUNTERS_LOG_MISMATCH');
  });

  it('COUNTERS_LOG_MISMATCH: a report hiding memory the log records (the counter absent)', () => {
    const c = memoryChip('memory-hidden');
    const { bundle, nonce } = collect(c.chip, { licences: [c.licenceBytes], knownTreeSize: 0 });
    const forged = resigned(c.chip, bundle, (r) => {
      const { memoryBytes: _hidden, ...counters } = r.counters;
      return { ...r, counters };
    });
    expect(check(appraiseWith(forged, nonce, verifierInputs()), 'counters-vs-log').code).toBe('COUNTERS_LOG_MISMATCH');
  });

  it('LICENCE_UNACCOUNTED: a remaining memory-transfer quota other than the quota less the logged bytes', () => {
    const c = memoryChip('memory-remaining');
    const { bundle, nonce } = collect(c.chip, { licences: [c.licenceBytes], knownTreeSize: 0 });
    const forged = resigned(c.chip, bundle, (r) => ({ ...r, licenceState: { ...r.licenceState!, remainingMemoryQuota: 600n } }));
    expect(check(appraiseWith(forged, nonce, verifierInputs()), 'licence').code).toBe('LICENCE_UNACCOUNTED');
  });

  it('LICENCE_QUOTA_EXCEEDED: a remaining memory-transfer quota above the quota', () => {
    const c = memoryChip('memory-above');
    const { bundle, nonce } = collect(c.chip, { licences: [c.licenceBytes], knownTreeSize: 0 });
    const forged = resigned(c.chip, bundle, (r) => ({ ...r, licenceState: { ...r.licenceState!, remainingMemoryQuota: 1001n } }));
    expect(check(appraiseWith(forged, nonce, verifierInputs()), 'licence').code).toBe('LICENCE_QUOTA_EXCEEDED');
  });

  it('LICENCE_UNACCOUNTED: a remaining memory-transfer quota for a licence that has none, or none for one that has', () => {
    const without = memoryChip('memory-none', undefined);
    const w = collect(without.chip, { licences: [without.licenceBytes], knownTreeSize: 0 });
    expect(appraiseWith(w.bundle, w.nonce, verifierInputs()).status).toBe('affirming');
    const added = resigned(without.chip, w.bundle, (r) => ({ ...r, licenceState: { ...r.licenceState!, remainingMemoryQuota: 5n } }));
    expect(check(appraiseWith(added, w.nonce, verifierInputs()), 'licence').code).toBe('LICENCE_UNACCOUNTED');
    const withQuota = memoryChip('memory-dropped');
    const q = collect(withQuota.chip, { licences: [withQuota.licenceBytes], knownTreeSize: 0 });
    const dropped = resigned(withQuota.chip, q.bundle, (r) => {
      const { remainingMemoryQuota: _dropped, ...licenceState } = r.licenceState!;
      return { ...r, licenceState };
    });
    expect(check(appraiseWith(dropped, q.nonce, verifierInputs()), 'licence').code).toBe('LICENCE_UNACCOUNTED');
  });

  it('LICENCE_QUOTA_EXCEEDED: a chip whose policy ran more memory than its licence grants, under the default rules', () => {
    const { chip, licence } = lenientMemoryChip('memory-lenient', 100n);
    run(chip, 'over', 150n);
    const { bundle, nonce } = collect(chip, { licences: [licence], knownTreeSize: 0 });
    expect(check(appraiseWith(bundle, nonce, verifierInputs()), 'licence').code).toBe('LICENCE_QUOTA_EXCEEDED');
  });

  it('at a later appraisal the memory counter is bounded by the log since the remembered head', () => {
    const { c, store, known, second } = affirmedThenRun('memory-later');
    // Without the base's counter, a report below what the log since the base records is still refused
    // (refused, so not remembered: the honest report is appraised against the same memory next).
    const forged = resigned(c.chip, second.bundle, (r) => ({ ...r, counters: { ...r.counters, memoryBytes: 49n } }));
    expect(check(appraiseWith(forged, second.nonce, verifierInputs({ store, now: T0 + 20 })), 'counters-vs-log').code).toBe('COUNTERS_LOG_MISMATCH');
    const honest = collect(c.chip, { licences: [c.licenceBytes], knownTreeSize: known });
    expect(appraiseWith(honest.bundle, honest.nonce, verifierInputs({ store, now: T0 + 20 })).status).toBe('affirming');
  });

  it('COUNTERS_LOG_MISMATCH at a later appraisal: the remembered counter makes the log account exactly for its growth (verifier.md §4)', () => {
    const { c, store, second } = affirmedThenRun('memory-remembered');
    expect(store.getChip(c.ueid)).toMatchObject({ memoryBytes: 500n, licenceMemoryUsage: new Map([[toHex(c.licenceClaims.licenceId), 500n]]) });
    // 50 bytes logged since the base, the counter raised by 60: within the counter's 560, so without
    // the remembered 500 this was affirmed (the remaining memory quota re-signed to agree with it).
    const forged = resigned(c.chip, second.bundle, (r) => ({
      ...r,
      counters: { ...r.counters, memoryBytes: 560n },
      licenceState: { ...r.licenceState!, remainingMemoryQuota: 440n },
    }));
    expect(check(appraiseWith(forged, second.nonce, verifierInputs({ store, now: T0 + 20 })), 'counters-vs-log').code).toBe('COUNTERS_LOG_MISMATCH');
  });

  it('LICENCE_UNACCOUNTED / LICENCE_QUOTA_EXCEEDED at a later appraisal: the memory used under a licence installed before the base is remembered', () => {
    const { c, store, second } = affirmedThenRun('memory-quota-remembered');
    // The chip reports the quota less only the bytes since the base: 950 of 1000. Only a verifier that
    // remembers the 500 bytes moved before the base sees that 450 remain; without it this was affirmed.
    const forgetful = resigned(c.chip, second.bundle, (r) => ({ ...r, licenceState: { ...r.licenceState!, remainingMemoryQuota: 950n } }));
    expect(check(appraiseWith(forgetful, second.nonce, verifierInputs({ store, now: T0 + 20 })), 'licence').code).toBe('LICENCE_UNACCOUNTED');
    // A chip whose policy lets memory past the quota, the overrun after the base: refused by the sum.
    const { chip, licence } = lenientMemoryChip('memory-quota-overrun', 1000n);
    run(chip, 'within', 800n);
    const first2 = collect(chip, { licences: [licence], knownTreeSize: 0 });
    expect(appraiseWith(first2.bundle, first2.nonce, verifierInputs({ store })).status).toBe('affirming');
    const known2 = chip.env.log.size;
    run(chip, 'over', 300n);
    const over = collect(chip, { licences: [licence], knownTreeSize: known2 });
    expect(check(appraiseWith(over.bundle, over.nonce, verifierInputs({ store, now: T0 + 20 })), 'licence').code).toBe('LICENCE_QUOTA_EXCEEDED');
  });
});

describe('counters past their maxima (attestation-report.md §2)', () => {
  /** The bundle's report payload with the counters map's key `key` set to `value`, re-signed: what no honest chip can sign. */
  function withCounter(chip: InProcessChip, bundle: Uint8Array, key: number, value: number | bigint): Uint8Array {
    const payload = decode(decodeSign1(reportOfBytes(bundle)).payload!) as Map<number, unknown>;
    const counters = new Map(payload.get(-72001) as Map<number, unknown>);
    counters.set(key, value);
    payload.set(-72001, counters);
    const key_ = attestationKey(chip.state!, chip.env);
    const report = signSign1(encode(payload as never), { alg: key_.alg, privateKey: key_.privateKey, kid: key_.kid }, { protectedHeaders: typHeaders(attestationReportClaims.typ), backend });
    return rebuild(bundle, (b) => ({ ...b, report }));
  }
  const reportOfBytes = (bundle: Uint8Array) => (decode(bundle) as Map<number, unknown>).get(1) as Uint8Array;

  it.each([
    ['busy chip-seconds of 2^53', 3, 2n ** 53n],
    ['workloads run of 2^53', 5, 2n ** 53n],
    ['memory bytes of 2^128', 6, 2n ** 128n],
  ])('a report stating %s does not decode: MESSAGE_INVALID_FIELD', (_what, key, value) => {
    const c = memoryChip(`past-${key}`);
    const { bundle, nonce } = collect(c.chip, { licences: [c.licenceBytes], knownTreeSize: 0 });
    const a = appraiseWith(withCounter(c.chip, bundle, key, value), nonce, verifierInputs());
    expect(a.status).toBe('contraindicated');
    expect(check(a, 'encoding').code).toBe('MESSAGE_INVALID_FIELD');
  });

  it('a report at 2^53 - 1 busy chip-seconds decodes (the bound, not one under it)', () => {
    const c = memoryChip('at-max');
    const { bundle, nonce } = collect(c.chip, { licences: [c.licenceBytes], knownTreeSize: 0 });
    const a = appraiseWith(withCounter(c.chip, bundle, 3, Number.MAX_SAFE_INTEGER), nonce, verifierInputs());
    expect(check(a, 'encoding').status).toBe('pass');
  });
});
