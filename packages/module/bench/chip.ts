/** The benches' chip: manufactured, provisioned with one issuer and licensed, on the given log and backend. */
import type { CryptoBackend } from '@hemkit/wire/crypto';
import { CMD, REPLAY } from '@hemkit/wire/messages';
import { LicenceAuthority, Manufacturer } from '../src/factory.js';
import { InProcessChip, ManualClock, seededRandom } from '../src/in-process.js';
import type { FirmwareLog } from '../src/firmware/env.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

export function licensedBenchChip(log: FirmwareLog, backend: CryptoBackend, seed: string): InProcessChip {
  const clock = new ManualClock(1_800_000_000);
  const chip = new InProcessChip({ log, now: clock.now, random: seededRandom(seed), backend });
  const manufacturer = new Manufacturer('fab', new Uint8Array(32).fill(1));
  const authority = new LicenceAuthority([new Uint8Array(32).fill(2)], 1);
  const hwmodel = utf8('hemkit-sim-a1');
  const made = chip.send(CMD.manufacture, { hwmodel, uds: new Uint8Array(32).fill(3) });
  chip.send(CMD.provision, {
    deviceCertificate: manufacturer.issueDeviceCertificate({ ...made, hwmodel }, 0),
    issuerKeys: authority.publicKeys,
    issuerThreshold: 1,
    replayDefence: [REPLAY.sequence],
    manufacturerKey: manufacturer.publicKey,
  });
  chip.send(CMD.installLicence, {
    licence: authority.issueLicence(
      { licenceId: new Uint8Array(16), ueid: made.ueid, sequenceNumber: 1, notBefore: 0, expiry: 2_000_000_000, opsQuota: 2n ** 127n, precisionClasses: [4] },
      [0],
    ),
  });
  return chip;
}
