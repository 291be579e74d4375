/** attest: a signed report over the caller's nonce, with the chip's counters and live log head. */
import { attestationReportClaims, deviceCertificateClaims, HEMKIT_EAT_PROFILE, peekClaims, signClaims, type CMD } from '@hemkit/wire/messages';
import { attestationKey, licenceStateOf, type Work } from '../work.js';
import { ok, type CommandRequest, type CommandResponse } from './types.js';

export function attest(w: Work, request: CommandRequest<typeof CMD.attest>): CommandResponse<typeof CMD.attest> {
  const policy = w.provisioned();
  const s = w.state;
  const licenceState = licenceStateOf(s);
  // The OEM id is the manufacturer's, so the chip states the one its device certificate carries: that
  // certificate verified under the pinned manufacturer key at provisioning (device-certificate.md §1.1).
  const { oemid } = peekClaims(deviceCertificateClaims, policy.deviceCertificate).claims;
  const report = signClaims(
    attestationReportClaims,
    {
      nonce: request.params.nonce,
      ueid: s.ueid,
      oemid,
      hwmodel: s.hwmodel,
      measurement: s.firmwareMeasurement,
      dbgstat: s.dbgstat as 0 | 1 | 2 | 3 | 4,
      bootcount: s.bootcount,
      profile: HEMKIT_EAT_PROFILE,
      issuedAt: s.lastTime,
      svn: s.svn,
      counters: s.counters,
      lockState: s.lockState,
      // The live head, not the last checkpoint: the counters above are exactly the work its entries
      // record (specs/messages/attestation-report.md §1.1).
      logHead: { treeSize: w.env.log.size, rootHash: w.env.log.root(w.env.log.size) },
      ...(licenceState ? { licenceState } : {}),
    },
    attestationKey(s, w.env),
    w.env.backend,
  );
  return ok(request, { report, attestationKeyCertificate: s.attestationKeyCertificate!, deviceCertificate: policy.deviceCertificate });
}
