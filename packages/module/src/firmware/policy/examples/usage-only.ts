/**
 * Example policy: a usage-only licence, for a chip with no trusted clock. A licence is a quota of
 * operations and nothing else: its not-before and expiry are not read, it never lapses by time, and
 * (the unused-quota rule) a new licence adds its quota to what the replaced one had left, so that an
 * operator topping up does not lose what it paid for. Replay is still defended by the provisioned
 * modes; only sequence numbers and the hash log make sense without a clock, and the chip challenge
 * still works. A revoked licence's remainder is not carried.
 */
import { LOCK } from '@hemkit/wire/messages';
import { DEFAULT_POLICY } from '../default.js';
import { COUNTER_MAX } from '../../state.js';
import type { FirmwarePolicy } from '../types.js';

export const USAGE_ONLY_POLICY: FirmwarePolicy = {
  ...DEFAULT_POLICY,
  name: 'usage-only',
  checkLicenceWindow: () => {},
  hasExpired: () => false,
  initialQuota(claims, replaced, lockState) {
    const carried = replaced !== undefined && lockState !== LOCK.licenceRevoked ? replaced.remainingQuota : 0n;
    const total = claims.opsQuota + carried; // saturates at the largest counter
    return total > COUNTER_MAX ? COUNTER_MAX : total;
  },
};
