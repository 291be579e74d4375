/**
 * The default firmware policy: hemkit v1 as specified (licence.md §3 and §6, module-commands.md §4).
 * A licence is valid in [not-before, expiry); the replay defences are the provisioned modes; a new
 * licence's quota replaces what remained of the old one; a workload draws its declared operations,
 * all precision classes alike, and its declared memory bytes from the memory-transfer quota; a
 * workload over either remaining quota is refused whole; a lapsed chip
 * refuses every workload; a workload below the provisioned itemisation threshold is aggregated, in
 * one entry a day.
 */
import { HemkitError } from '@hemkit/wire/errors';
import { LOCK_NAMES, REPLAY } from '@hemkit/wire/messages';
import { bytesEqual } from '@hemkit/wire/bytes';
import { appendBounded, LIST_BOUNDS } from '../state.js';
import type { FirmwarePolicy } from './types.js';

export const DEFAULT_POLICY: FirmwarePolicy = {
  name: 'hemkit-v1',

  checkLicenceWindow(claims, now) {
    if (now < claims.notBefore) {
      throw new HemkitError('LICENCE_NOT_YET_VALID', `the chip's time ${now} is before not-before ${claims.notBefore}`);
    }
    if (now >= claims.expiry) {
      throw new HemkitError('LICENCE_EXPIRED', `the chip's time ${now} is at or after expiry ${claims.expiry}`);
    }
  },

  checkReplay(state, defences, claims, hash) {
    if (defences.has(REPLAY.sequence) && state.highestSequence !== undefined && claims.sequenceNumber <= state.highestSequence) {
      throw new HemkitError(
        'LICENCE_REPLAYED',
        `sequence number ${claims.sequenceNumber} is not greater than ${state.highestSequence}, the highest accepted`,
      );
    }
    if (defences.has(REPLAY.hashLog) && state.appliedLicenceHashes.some((h) => bytesEqual(h, hash))) {
      throw new HemkitError('LICENCE_ALREADY_APPLIED', 'this licence was applied before (its hash is in the applied-licence log)');
    }
    if (defences.has(REPLAY.challenge)) {
      if (state.pendingChallenge === undefined) {
        throw new HemkitError('LICENCE_CHALLENGE_MISMATCH', 'the chip has no pending challenge: request a licence first');
      }
      if (claims.chipChallenge === undefined || !bytesEqual(claims.chipChallenge, state.pendingChallenge)) {
        throw new HemkitError('LICENCE_CHALLENGE_MISMATCH', 'the licence does not answer the chip\'s pending challenge');
      }
    }
  },

  rememberLicence(state, _defences, claims, hash) {
    // The challenge is single-use: answered once, it cannot admit a second licence.
    const { pendingChallenge: _answered, ...rest } = state;
    return {
      ...rest,
      highestSequence: Math.max(claims.sequenceNumber, state.highestSequence ?? 0),
      // Bounded: the oldest hash is forgotten when the log is full (module-commands.md §4).
      appliedLicenceHashes: appendBounded(state.appliedLicenceHashes, [hash], LIST_BOUNDS.appliedLicenceHashes),
    };
  },

  // licence.md §6: an accepted licence replaces the installed one and its quota starts full; what the
  // replaced licence had left is not carried over (issuers who want it carried put it in the new quota).
  initialQuota: (claims) => claims.opsQuota,

  // The memory-transfer quota follows the same rule: it starts full, nothing carried (licence.md §1).
  initialMemoryQuota: (claims) => claims.memoryQuota,

  hasExpired: (licence, now) => now >= licence.expiry,

  whenLocked: ({ lockState }) => ({
    admit: false,
    code: 'WORKLOAD_LOCKED',
    message: `the chip is locked (${LOCK_NAMES.get(lockState)}): no licence admits workloads`,
  }),

  quotaCost: (workload) => workload.ops,

  whenOverQuota: ({ workload, licence }) => ({
    admit: false,
    code: 'WORKLOAD_OVER_QUOTA',
    message: `the workload declares ${workload.ops} operations; ${licence.remainingQuota} remain in the quota`,
  }),

  memoryCost: (workload) => workload.memoryBytes ?? 0n,

  whenOverMemoryQuota: ({ memoryCost, licence }) => ({
    admit: false,
    code: 'WORKLOAD_OVER_MEMORY_QUOTA',
    message: `the workload declares ${memoryCost} bytes of memory transfer; ${licence.remainingMemoryQuota ?? 0n} remain in the memory-transfer quota`,
  }),

  // decisions.md §7: a workload below the provisioned threshold is aggregated; with none, every one is itemised.
  itemise: (workload, threshold) => threshold === undefined || workload.ops >= threshold,
  aggregationPeriod: 86_400,
};
