/**
 * `hemkit demo --service`: the tour's verifier is the verification service (specs/service.md), the
 * one `hemkit serve` runs, started here on loopback with its embedded SQLite store and the tour's
 * trust anchors and clock. Every bundle goes over HTTP: a challenge (`POST /v1/challenges`, which
 * gives the nonce), the evidence (`POST /v1/challenges/{nonce}/evidence`), and the EAR JSON result,
 * whose status, trustworthiness vector and checks are what the tour prints. The chip state comes from
 * `GET /v1/chips/{ueid}` with a bearer token.
 *
 * The result carries no disclosed workloads (service.md §2, fleet accounting), so the fleet accounting
 * of the tour's last step reads them from the bundles, as `hemkit account` does: each bundle is also
 * appraised here, in a memory store that sees the same bundles in the same order, and the two
 * verdicts must agree or the demo stops.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { toHex } from '@hemkit/wire/bytes';
import { getBackend } from '@hemkit/wire/crypto/node';
import { createMerkleHasher } from '@hemkit/wire/merkle';
import { appraise, DEFAULT_POLICY, type Appraisal, type CheckResult, type TrustworthinessVector } from '@hemkit/verifier';
import { MemoryVerifierStore } from '@hemkit/verifier/store';
import { buildService, openStore } from '@hemkit/service';
import type { DemoVerifier, DemoVerifierSetup } from './demo.js';

interface EarSubmod {
  readonly ear_status: Appraisal['status'];
  readonly ear_trustworthiness_vector: TrustworthinessVector;
  readonly 'hemkit.checks': readonly CheckResult[];
}

export async function serviceVerifier(setup: DemoVerifierSetup, say: (line: string) => void): Promise<DemoVerifier> {
  const backend = getBackend('node');
  const token = toHex(randomBytes(16));
  let nonces = 0;
  const app = await buildService({
    trust: setup.trust,
    reference: setup.reference,
    policy: DEFAULT_POLICY,
    store: await openStore({ sqlitePath: join(setup.work, 'service.sqlite') }),
    backend,
    clock: setup.now,
    random: () => setup.nonce(++nonces),
    readTokens: [token],
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  say(`  (the verifier is the verification service, hemkit serve, on ${url} with SQLite: every bundle goes over HTTP)`);

  const send = async (method: string, path: string, body?: { json?: object; cbor?: Uint8Array }): Promise<unknown> => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body?.json) headers['content-type'] = 'application/json';
    if (body?.cbor) headers['content-type'] = 'application/cbor';
    const r = await fetch(`${url}${path}`, { method, headers, ...(body ? { body: body.json ? JSON.stringify(body.json) : body.cbor! } : {}) });
    const answer = (await r.json()) as { code?: string; detail?: string };
    if (!r.ok) throw new Error(`demo: ${method} ${path} was answered ${r.status} ${answer.code}: ${answer.detail}`);
    return answer;
  };

  // The bundles again, in process, only for what the result does not carry (see above).
  const mirror = new MemoryVerifierStore();
  const hasher = createMerkleHasher((d) => backend.sha256(d));

  return {
    async appraise(ueid, build) {
      const challenge = (await send('POST', '/v1/challenges', { json: { ueid: toHex(ueid) } })) as { nonce: string };
      const nonce = new Uint8Array(Buffer.from(challenge.nonce, 'hex'));
      const bundle = build(nonce);
      const result = (await send('POST', `/v1/challenges/${challenge.nonce}/evidence`, { cbor: bundle })) as { submods: Record<string, EarSubmod> };
      const sub = Object.values(result.submods)[0]!;
      const local = appraise(bundle, { trust: setup.trust, reference: setup.reference, policy: DEFAULT_POLICY, store: mirror, now: setup.now(), backend, hasher, expectedNonce: nonce, expectedUeid: ueid });
      const verdict = (status: string, checks: readonly CheckResult[]) => `${status}: ${checks.map((c) => `${c.id} ${c.status}${c.code ? ` ${c.code}` : ''}`).join(', ')}`;
      if (verdict(sub.ear_status, sub['hemkit.checks']) !== verdict(local.status, local.checks)) {
        throw new Error(`demo: the service answered ${verdict(sub.ear_status, sub['hemkit.checks'])}, the library ${verdict(local.status, local.checks)}`);
      }
      return { ...local, status: sub.ear_status, trustworthinessVector: sub.ear_trustworthiness_vector, checks: sub['hemkit.checks'] };
    },
    async latestTreeSize(ueid) {
      const state = (await send('GET', `/v1/chips/${toHex(ueid)}`)) as { latestCheckpoint: { treeSize: number } | null };
      return state.latestCheckpoint?.treeSize ?? 0;
    },
    close: () => app.close(),
  };
}
