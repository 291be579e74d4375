/**
 * The verifier reads the module's session vectors: every attestation a session recorded (report and
 * certificates from the response, the licences from the requests that installed them) is appraised
 * against the session's manufacturer and issuers, for the nonce the request sent.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '@hemkit/wire/cbor';
import { getBackend } from '@hemkit/wire/crypto/node';
import { createMerkleHasher } from '@hemkit/wire/merkle';
import { CMD, evidenceBundle, LOCK, parseRequest, parseResponse, signingKey, attestationReportClaims, peekClaims, type ParamsOf } from '@hemkit/wire/messages';
import { FACTORY_FIRMWARE, SIM_PEAK_OPS_PER_SECOND } from '../../../module/src/firmware/chip.js';
import { appraise, DEFAULT_POLICY } from '../../src/index.js';
import { MemoryVerifierStore } from '../../src/store/index.js';
import { fromHex, toHex as hex } from '@hemkit/wire/bytes';

const DIR = join(import.meta.dirname, '../../../../test-vectors/module');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const backend = getBackend('node');
// The reference values a verifier would hold for the simulated firmware the sessions run.
const KNOWN_FIRMWARE = [FACTORY_FIRMWARE, ...['v2', 'v4'].map((v) => sha256(new TextEncoder().encode(`hemkit simulated firmware ${v}`)))];

interface Session {
  vector: {
    setup: { manufacturerKey: string; oemid: string; issuerKeys: string[]; issuerThreshold: number };
    steps: ({ command: string; request: string; response: string; expect: string; time: number } | { event: string })[];
  };
}

describe('the verifier reads the module session vectors', () => {
  it.each(files)('%s: every recorded attestation appraises as the chip\'s state says it should', (file) => {
    const { vector } = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Session;
    const manufacturer = signingKey(-8, fromHex(vector.setup.manufacturerKey)).publicKey;
    const issuers = vector.setup.issuerKeys.map((k) => signingKey(-8, fromHex(k)).publicKey);
    const licences: Uint8Array[] = [];
    let attested = 0;
    for (const step of vector.steps) {
      if (!('command' in step) || step.expect !== 'ok') continue;
      const request = parseRequest(decode(fromHex(step.request)));
      if (request.command === CMD.installLicence) licences.push(request.params.licence);
      if (request.command !== CMD.attest) continue;
      const response = parseResponse(decode(fromHex(step.response)), CMD.attest);
      if (response.status !== 0) throw new Error('ok step without a result');
      const result = response.result;
      const bundle = encode(
        evidenceBundle.toCbor({
          report: result.report,
          deviceCertificate: result.deviceCertificate,
          attestationKeyCertificate: result.attestationKeyCertificate,
          ...(licences.length ? { licences } : {}),
        }),
      );
      const a = appraise(bundle, {
        trust: { manufacturers: [{ name: 'hemkit-sim-fab', key: manufacturer }], licenceIssuers: { keys: issuers, threshold: vector.setup.issuerThreshold }, revoked: { ueids: [], keyIds: [] } },
        reference: { models: [{ oemid: vector.setup.oemid, hwmodel: 'hemkit-sim-a1', minimumSvn: 1, peakOpsPerSecond: SIM_PEAK_OPS_PER_SECOND, firmware: KNOWN_FIRMWARE.map((m) => ({ measurement: hex(m), svn: 1 })) }] },
        policy: DEFAULT_POLICY,
        store: new MemoryVerifierStore(),
        now: step.time,
        expectedNonce: (request.params as ParamsOf<typeof CMD.attest>).nonce,
        backend,
        hasher: createMerkleHasher((d) => backend.sha256(d)),
      });
      attested++;
      const lock = peekClaims(attestationReportClaims, result.report).claims.lockState;
      const failing = Object.fromEntries(a.checks.filter((c) => c.status === 'fail').map((c) => [c.id, c.code]));
      // A session records reports but no inclusion receipts, so the bundle is a report alone. Every
      // report binds a log that has grown from the empty one, so a verifier that never saw the chip
      // must refuse it for want of the entries that cover its counters (specs/verifier.md §4,
      // invariant 2), whatever else the chip says of itself; all else about it verifies.
      const uncovered = { 'counters-vs-log': 'LOG_COVERAGE_INCOMPLETE' };
      expect(failing).toEqual(lock === LOCK.rollback || lock === LOCK.tamper ? { 'lock-state': 'CHIP_REPORTS_COMPROMISE', ...uncovered } : uncovered);
      expect(a.status).toBe('contraindicated');
      expect(a.checks.filter((c) => c.status === 'not-run').map((c) => c.id)).toEqual(['licence', 'usage-rate']);
    }
    expect(attested).toBeGreaterThanOrEqual(file.includes('lifecycle') || file.includes('counter') || file.includes('firmware') || file.includes('provisioning') || file.includes('tamper') ? 1 : 0);
  });
});
