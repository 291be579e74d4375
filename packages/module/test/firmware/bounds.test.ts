/** Every list the firmware keeps is bounded (module-commands.md §4, "Storage bounds"). */
import { describe, expect, it } from 'vitest';
import { CMD, REPLAY } from '@hemkit/wire/messages';
import { appendBounded, chipStateCodec, LIST_BOUNDS } from '../../src/firmware/state.js';
import { expectCode } from '../../../wire/test/support/expect-code.js';
import { scenario } from '../support/scenario.js';

describe('storage bounds', () => {
  it('appendBounded forgets the oldest items past the bound', () => {
    expect(appendBounded([1, 2, 3], [4, 5], 4)).toEqual([2, 3, 4, 5]);
    expect(appendBounded([1], [2], 4)).toEqual([1, 2]);
  });

  it('the applied-licence hash log keeps the last 64: the 65th installation forgets the first', () => {
    const s = scenario({ replay: [REPLAY.hashLog] });
    const first = s.licence({ expiry: s.clock.time + 10 ** 6 });
    s.chip.send(CMD.installLicence, { licence: first });
    const firstHash = s.chip.state!.appliedLicenceHashes[0]!;
    for (let i = 1; i < LIST_BOUNDS.appliedLicenceHashes; i++) s.chip.send(CMD.installLicence, { licence: s.licence() });
    expect(s.chip.state!.appliedLicenceHashes).toHaveLength(64);
    expectCode(() => s.chip.send(CMD.installLicence, { licence: first }), 'LICENCE_ALREADY_APPLIED');
    s.chip.send(CMD.installLicence, { licence: s.licence() });
    expect(s.chip.state!.appliedLicenceHashes).toHaveLength(64);
    expect(s.chip.state!.appliedLicenceHashes.some((h) => Buffer.from(h).equals(Buffer.from(firstHash)))).toBe(false);
    // The stated cost: under the hash log alone, the forgotten licence is accepted again.
    s.chip.send(CMD.installLicence, { licence: first });
  });

  it('a state record holding more than a bound does not decode', () => {
    const s = scenario();
    const state = { ...s.chip.state!, appliedRevocations: Array.from({ length: 257 }, () => new Uint8Array(16)) };
    expect(() => chipStateCodec.parse(chipStateCodec.toCbor(state), 'state')).toThrow(expect.objectContaining({ code: 'MESSAGE_INVALID_FIELD' }));
  });

  it('the revocation lists keep the last 256 ids', () => {
    const s = scenario();
    for (let i = 0; i < 3; i++) {
      const ids = Array.from({ length: 100 }, (_, j) => new Uint8Array(16).fill((i * 100 + j) % 251).map((b, k) => (k === 0 ? i : b)));
      s.chip.send(CMD.applyRevocation, { revocation: s.authority.issueRevocation({ revocationId: new Uint8Array(16).fill(i + 1), ueid: s.ueid, revokedLicences: ids, issuedAt: s.clock.time }, [0, 1]) });
    }
    expect(s.chip.state!.revokedLicences).toHaveLength(256);
    expect(s.chip.state!.appliedRevocations).toHaveLength(3);
  });
});
