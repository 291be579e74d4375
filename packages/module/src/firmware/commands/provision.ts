/** provision: the device certificate, the issuers' keys and policy are installed; the chip boots. */
import { HemkitError } from '@hemkit/wire/errors';
import { deviceCertificateClaims, logKeyCertificateClaims, openClaims, signClaims, type CMD } from '@hemkit/wire/messages';
import { boot, deviceIdentityKey, logIdentityFor, type Work } from '../work.js';
import { ok, type CommandRequest, type CommandResponse } from './types.js';
import { bytesEqual } from '@hemkit/wire/bytes';

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
    },
  };
  boot(w);
  return ok(request, { attestationKeyCertificate: w.state.attestationKeyCertificate! });
}
