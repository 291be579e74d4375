/** provision: the device certificate, the issuers' keys and policy are installed; the chip boots. */
import { HemkitError } from '@hemkit/wire/errors';
import { deviceCertificateClaims, keyThumbprint, logKeyCertificateClaims, type FirmwareSigners, openClaims, signClaims, type CMD } from '@hemkit/wire/messages';
import { boot, deviceIdentityKey, logIdentityFor, type Work } from '../work.js';
import { ok, type CommandRequest, type CommandResponse } from './types.js';
import { bytesEqual, toHex } from '@hemkit/wire/bytes';

export function provision(w: Work, request: CommandRequest<typeof CMD.provision>): CommandResponse<typeof CMD.provision> {
  const { params } = request;
  const s = w.state;
  if (s.provisioning !== undefined) throw new HemkitError('MODULE_ALREADY_PROVISIONED', 'this chip is already provisioned');
  let cert;
  try {
    cert = openClaims(deviceCertificateClaims, params.deviceCertificate, params.manufacturerKey, w.env.backend);
  } catch (e) {
    if (!(e instanceof HemkitError)) throw e;
    throw new HemkitError('DEVICE_CERTIFICATE_INVALID', `the device certificate does not verify under the manufacturer key: ${e.code}`, { cause: e });
  }
  const identity = deviceIdentityKey(s, w.env);
  if (!bytesEqual(cert.ueid, s.ueid) || !bytesEqual(cert.hwmodel, s.hwmodel) || !bytesEqual(cert.cnf.coseKey.publicKey, identity.publicKey.publicKey)) {
    throw new HemkitError('DEVICE_CERTIFICATE_INVALID', 'the device certificate names another chip, model or key');
  }
  const n = params.issuerKeys.length;
  if (params.issuerThreshold < 1 || params.issuerThreshold > n) {
    throw new HemkitError('MODULE_INVALID_PARAMS', `the issuer threshold must be between 1 and ${n}`);
  }
  // --- k-of-n firmware signers (module-commands.md §4.1) ---
  if (params.firmwareSigners !== undefined) checkFirmwareSignerSet(params.firmwareSigners);
  // --- end firmware signers ---
  // The device identity key certifies the log key once, here (specs/messages/checkpoint.md §2.1).
  const log = logIdentityFor(s.uds, params.logDomain, w.env);
  const logKeyCertificate = signClaims(logKeyCertificateClaims, { ueid: s.ueid, cnf: { coseKey: log.key.publicKey }, origin: log.origin }, identity, w.env.backend);
  w.state = {
    ...s,
    provisioning: {
      deviceCertificate: params.deviceCertificate,
      manufacturerKey: params.manufacturerKey,
      issuerKeys: params.issuerKeys,
      issuerThreshold: params.issuerThreshold,
      replayDefence: [...new Set(params.replayDefence)].sort(),
      ...(params.itemisationThreshold !== undefined ? { itemisationThreshold: params.itemisationThreshold } : {}),
      ...(params.logDomain !== undefined ? { logDomain: params.logDomain } : {}),
      logKeyCertificate,
      ...(params.firmwareSigners !== undefined ? { firmwareSigners: params.firmwareSigners } : {}),
    },
  };
  boot(w);
  return ok(request, { attestationKeyCertificate: w.state.attestationKeyCertificate! });
}

/** §4.1: distinct signer keys, at least one kind, each kind's threshold between 1 and n. */
function checkFirmwareSignerSet(set: FirmwareSigners): void {
  const n = set.keys.length;
  if (new Set(set.keys.map((k) => toHex(keyThumbprint(k)))).size !== n) throw new HemkitError('MODULE_INVALID_PARAMS', 'the firmware signers must be distinct keys');
  if (set.thresholds.size === 0) throw new HemkitError('MODULE_INVALID_PARAMS', 'the firmware signers must have a threshold for at least one kind of update');
  for (const [kind, k] of set.thresholds) {
    if (k < 1 || k > n) throw new HemkitError('MODULE_INVALID_PARAMS', `the threshold for firmware kind ${kind} must be between 1 and ${n}`);
  }
}
