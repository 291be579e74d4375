/**
 * The verification service (specs/service.md): hemkit's verifier over HTTP, on fastify, in the RATS
 * background-check model (RFC 9334 §5.2). A relying party or an operator asks for a challenge (a
 * nonce the service remembers with its expiry), the operator answers it with an evidence bundle, and
 * the service returns the attestation result: EAR JSON, or the signed COSE result when asked. Every
 * worker is stateless; what it remembers lives in the store (SQLite embedded, or PostgreSQL shared).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { decode, DEFAULT_MAX_INPUT_BYTES } from '@hemkit/wire/cbor';
import { fromHex, toHex } from '@hemkit/wire/bytes';
import type { CryptoBackend } from '@hemkit/wire/crypto';
import { isHemkitError } from '@hemkit/wire/errors';
import { createMerkleHasher } from '@hemkit/wire/merkle';
import { evidenceBundle, type SigningKey } from '@hemkit/wire/messages';
import { appraiseAsync, resultToJson, signResult, type Policy, type ReferenceValues, type TrustAnchors, type VerifiedChain } from '@hemkit/verifier';
import { accountFleet, DEFAULT_THRESHOLDS, fleetReportToJson, type AppraisedChip } from '@hemkit/verifier/accounting';
import type { AsyncVerifierStore, ChipState, StoredChallenge } from '@hemkit/verifier/store';
import { ServiceMetrics } from './metrics.js';
import { OPENAPI } from './openapi.js';
import { PROBLEM_MEDIA_TYPE, ServiceProblem, toProblem } from './problem.js';
import { rateLimitStore, type SharedRateCounter } from './rate-limit.js';

export const VERIFIER_ID = { developer: 'hemkit', build: '0.1.0' } as const;
const EAR = 'tag:ietf.org,2026:rats/ear#04';
/** The result media types (specs/iana.md §media types): EAR's JSON claims set, and its signed CWT form. */
export const RESULT_JSON = `application/eat-ucs+json; eat_profile="${EAR}"`;
export const RESULT_SIGNED = `application/eat+cwt; eat_profile="${EAR}"`;
const EVIDENCE_TYPES = ['application/cbor', 'application/vnd.hemkit.evidence+cbor'];

export interface ServiceOptions {
  readonly trust: TrustAnchors;
  readonly reference: ReferenceValues;
  readonly policy: Policy;
  readonly store: AsyncVerifierStore;
  readonly backend: CryptoBackend;
  /** The verifier's clock, seconds since the epoch. */
  readonly clock: () => number;
  /** Fresh random bytes (the nonces). */
  readonly random: (length: number) => Uint8Array;
  /** Bearer tokens that may read chip state and fleet accounting; none means those reads are refused. */
  readonly readTokens: readonly string[];
  /** Signs results for clients that ask for the signed form; without it that form is not offered (406). */
  readonly verifierKey?: SigningKey;
  /**
   * Requests per client (by address) per window; false turns the limit off (default 600 per 10 s).
   * With `shared` the counts are every worker's (PostgresRateCounter), else this process's; the
   * service closes the counter when it closes.
   */
  readonly rateLimit?: { readonly max: number; readonly windowMs: number; readonly shared?: SharedRateCounter } | false;
  /** The largest evidence body (default 1 MiB, the verifier's input bound). */
  readonly maxEvidenceBytes?: number;
  /** What a 503 tells a client to wait (default 1 s). */
  readonly retryAfterSeconds?: number;
  /** Where the causes of 5xx answers go (one line each); the client never sees them. */
  readonly log?: (line: string) => void;
}

const HEX = '^([0-9a-f]{2})+$';
const nonceParam = { type: 'object', required: ['nonce'], properties: { nonce: { type: 'string', pattern: HEX, minLength: 16, maxLength: 128 } } } as const;
const ueidParam = { type: 'object', required: ['ueid'], properties: { ueid: { type: 'string', pattern: HEX, minLength: 14, maxLength: 66 } } } as const;
const challengeBody = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: { ueid: { type: 'string', pattern: HEX, minLength: 14, maxLength: 66 } },
} as const;

/** Builds the service; the caller listens (`app.listen`) and closes it, which closes the store too. */
export async function buildService(options: ServiceOptions): Promise<FastifyInstance> {
  const retryAfter = options.retryAfterSeconds ?? 1;
  const log = options.log ?? (() => {});
  const metrics = new ServiceMetrics();
  const tokens = options.readTokens.map(digest);
  const hasher = createMerkleHasher((d) => options.backend.sha256(d));
  // Caches of what was already verified, for every appraisal of this worker (verifier.md §5, check 2, 14).
  const chainCache = new Map<string, VerifiedChain>();
  const licenceCache = new Set<string>();

  const app = Fastify({
    logger: false,
    // Small JSON bodies everywhere; the evidence route raises its own limit.
    bodyLimit: 4096,
    // While a worker closes it still answers what reaches it on open connections, from its open
    // store, rather than fastify's own untyped 503 (no problem document, no Retry-After).
    return503OnClosing: false,
    ajv: { customOptions: { allErrors: false, coerceTypes: false, removeAdditional: false } },
  });

  const routes: { method: string; url: string }[] = [];
  ROUTES.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url });
  });

  app.addContentTypeParser(EVIDENCE_TYPES, { parseAs: 'buffer', bodyLimit: options.maxEvidenceBytes ?? DEFAULT_MAX_INPUT_BYTES }, (_req, body, done) => done(null, body));

  app.setErrorHandler((error, _request, reply) => {
    const problem = toProblem(error, retryAfter);
    if (problem.status >= 500) {
      if (problem.code === 'VERIFIER_STORE_FAILED') metrics.storeErrors.inc();
      log(`${problem.code}: ${oneLine(error)}`);
    }
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, new ServiceProblem('SERVICE_NOT_FOUND', 404, `no endpoint ${request.method} ${request.url.split('?')[0]}`)));

  if (options.rateLimit !== false) {
    const limit = options.rateLimit ?? { max: 600, windowMs: 10_000 };
    await app.register(rateLimit, {
      global: true,
      max: limit.max,
      timeWindow: limit.windowMs,
      keyGenerator: (request) => request.ip,
      ...(limit.shared !== undefined ? { store: rateLimitStore(limit.shared, (e) => log(`rate limit counted in this worker: the shared count failed: ${oneLine(e)}`)) } : {}),
      errorResponseBuilder: (_request, context) => {
        const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
        return new ServiceProblem('SERVICE_RATE_LIMITED', 429, `more than ${context.max} requests in ${Math.round(limit.windowMs / 1000)} s; retry after ${seconds} s`, { 'retry-after': String(seconds) });
      },
    });
  }

  const requireToken = async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([\x21-\x7e]+)$/.exec(header) : null;
    const given = match ? digest(match[1]!) : undefined;
    // Compared as digests in constant time, against every token, so timing says nothing of which matched.
    let ok = false;
    for (const t of tokens) if (given !== undefined && timingSafeEqual(t, given)) ok = true;
    if (!ok) throw new ServiceProblem('SERVICE_UNAUTHORIZED', 401, 'this endpoint needs a bearer token the service accepts', { 'www-authenticate': 'Bearer realm="hemkit"' });
  };

  app.get('/openapi.json', async () => OPENAPI);

  app.get('/health', async (_request, reply) => {
    await options.store.listChips({ limit: 1 });
    return reply.header('cache-control', 'no-store').send({ status: 'ok' });
  });

  app.get('/metrics', async (_request, reply) => reply.header('content-type', metrics.contentType).send(await metrics.render()));

  app.post<{ Body: { ueid?: string } | null | undefined }>('/v1/challenges', { schema: { body: challengeBody } }, async (request, reply) => {
    const ueid = request.body?.ueid === undefined ? undefined : fromHex(request.body.ueid);
    const nonce = options.random(16);
    const issuedAt = options.clock();
    // A report answering it is stale after maxAgeSeconds anyway; the skew lets a slow chip finish.
    const expiresAt = issuedAt + options.policy.maxAgeSeconds + options.policy.clockSkewSeconds;
    const { knownTreeSize } = await options.store.issueChallenge({ nonce, ueid, issuedAt, expiresAt });
    metrics.challenges.inc();
    // The challenge file of `hemkit challenge` (packages/cli/src/challenge-file.ts), with its expiry.
    return reply
      .code(201)
      .header('location', `/v1/challenges/${toHex(nonce)}`)
      .send({ format: 'hemkit-challenge/v1', nonce: toHex(nonce), issuedAt, expiresAt, ...(ueid ? { ueid: toHex(ueid) } : {}), knownTreeSize });
  });

  app.post<{ Params: { nonce: string }; Body: Buffer }>('/v1/challenges/:nonce/evidence', { schema: { params: nonceParam } }, async (request, reply) => {
    const signed = resultForm(request, options.verifierKey !== undefined);
    if (!Buffer.isBuffer(request.body)) throw new ServiceProblem('SERVICE_UNSUPPORTED_MEDIA_TYPE', 415, `send the evidence bundle as ${EVIDENCE_TYPES.join(' or ')}`);
    const bytes = new Uint8Array(request.body.buffer, request.body.byteOffset, request.body.byteLength);
    const nonce = fromHex(request.params.nonce);
    const now = options.clock();
    const started = process.hrtime.bigint();
    // The challenge is read in the appraisal's transaction (one round trip fewer than before it); a
    // nonce never issued, or expired, refuses the evidence before any check runs, and records nothing.
    const appraisal = await appraiseAsync(bytes, {
      trust: options.trust,
      reference: options.reference,
      policy: options.policy,
      store: options.store,
      now,
      challenge: { nonce, accept: challengeKnown },
      // A body that is not a bundle at all is refused (422) before the challenge is read. The bundle's
      // own decoding is the encoding check's first step, so it is repeated only when that check fails.
      encodingFailed: () => mustBeBundle(bytes),
      backend: options.backend,
      hasher,
      chainCache,
      licenceCache,
    });
    metrics.appraised(appraisal.status, Number(process.hrtime.bigint() - started) / 1e9);
    if (signed) {
      return reply.header('content-type', RESULT_SIGNED).send(Buffer.from(signResult([appraisal], now, VERIFIER_ID, options.policy, options.verifierKey!, options.backend)));
    }
    // A Buffer, so that fastify adds no charset parameter: JSON is UTF-8 by definition (RFC 8259 §8.1).
    return reply.header('content-type', RESULT_JSON).send(Buffer.from(JSON.stringify(resultToJson([appraisal], now, VERIFIER_ID, options.policy))));
  });

  app.get<{ Params: { ueid: string } }>('/v1/chips/:ueid', { schema: { params: ueidParam }, onRequest: requireToken }, async (request) => {
    const state = await options.store.getChip(fromHex(request.params.ueid));
    if (state === undefined) throw new ServiceProblem('SERVICE_NOT_FOUND', 404, 'this verifier remembers no chip of that UEID');
    return chipStateToJson(state);
  });

  app.get('/v1/fleet', { onRequest: requireToken }, async () => {
    // The chips' remembered lifetime counters, each affirmed (only affirmed evidence becomes memory).
    // Openings are not remembered, so every chip's work is sealed work here (specs/service.md §3).
    const chips: AppraisedChip[] = [];
    for (let after: Uint8Array | undefined; ; ) {
      const page = await options.store.listChips({ ...(after ? { after } : {}), limit: 1000 });
      for (const c of page) chips.push({ ueid: c.ueid, affirmed: true, totalOps: c.totalOps, workloads: [] });
      if (page.length < 1000) break;
      after = page[page.length - 1]!.ueid;
    }
    return fleetReportToJson(accountFleet({ chips }, { thresholds: [...DEFAULT_THRESHOLDS] }));
  });

  app.addHook('onClose', async () => {
    await options.store.close();
    if (options.rateLimit !== false) await options.rateLimit?.shared?.close();
  });
  return app;
}

const ROUTES = new WeakMap<FastifyInstance, readonly { method: string; url: string }[]>();

/** The routes a service serves (method and fastify URL pattern): what the OpenAPI test holds to the description. */
export function serviceRoutes(app: FastifyInstance): readonly { method: string; url: string }[] {
  return ROUTES.get(app) ?? [];
}

function sendProblem(reply: FastifyReply, problem: ServiceProblem): FastifyReply {
  for (const [name, value] of Object.entries(problem.headers)) reply.header(name, value);
  return reply.code(problem.status).header('content-type', PROBLEM_MEDIA_TYPE).send(Buffer.from(JSON.stringify(problem.toJson())));
}

/**
 * Content negotiation (RFC 9110 §12.5.1): the signed result for its media types, JSON for its own,
 * `application/json` or anything; 406 when only forms the service cannot produce are acceptable.
 */
function resultForm(request: FastifyRequest, canSign: boolean): boolean {
  const accept = request.headers.accept;
  if (accept === undefined || accept.trim() === '') return false;
  const ranges = accept.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return { type: type!, q: q === undefined ? 1 : Number(q.slice(2)) };
  });
  const quality = (types: readonly string[]): number =>
    Math.max(0, ...ranges.filter((r) => types.includes(r.type) || r.type === '*/*' || (r.type === 'application/*' && types.some((t) => t.startsWith('application/')))).map((r) => (Number.isFinite(r.q) ? r.q : 0)));
  const json = quality(['application/eat-ucs+json', 'application/json']);
  const signed = canSign ? quality(['application/eat+cwt', 'application/vnd.hemkit.appraisal-result+cbor']) : 0;
  if (json === 0 && signed === 0) {
    throw new ServiceProblem('SERVICE_NOT_ACCEPTABLE', 406, canSign ? `the result is ${RESULT_JSON} or ${RESULT_SIGNED}` : `the result is ${RESULT_JSON} (this service has no verifier key to sign with)`);
  }
  // An exact signed type preferred over a wildcard: */* alone gives JSON.
  const explicitSigned = ranges.some((r) => ['application/eat+cwt', 'application/vnd.hemkit.appraisal-result+cbor'].includes(r.type) && r.q > 0);
  return canSign && explicitSigned && signed >= json;
}

function challengeKnown(found: StoredChallenge | undefined): void {
  if (found === undefined) throw new ServiceProblem('SERVICE_CHALLENGE_UNKNOWN', 404, 'no live challenge has this nonce: ask for a new one');
}

/** A body that is not an evidence bundle at all is unusable input (422 with its code), as for `hemkit verify`. */
function mustBeBundle(bytes: Uint8Array): void {
  try {
    evidenceBundle.parse(decode(bytes), 'evidence-bundle');
  } catch (e) {
    if (isHemkitError(e)) throw new ServiceProblem(e.code, 422, `not an evidence bundle: ${e.message}`);
    throw e;
  }
}

function chipStateToJson(s: ChipState): object {
  const cp = s.latestCheckpoint;
  return {
    ueid: toHex(s.ueid),
    bootcount: s.bootcount,
    totalOps: s.totalOps.toString(),
    workloadsRun: s.workloadsRun,
    latestCheckpoint: cp === undefined ? null : { treeSize: cp.treeSize, rootHash: toHex(cp.rootHash), issuedAt: cp.issuedAt, totalOps: cp.totalOps.toString() },
    lastAppraisedAt: s.lastAppraisedAt,
    licenceUsage: Object.fromEntries([...s.licenceUsage].map(([id, used]) => [id, used.toString()])),
    activeLicence: s.activeLicence ?? null,
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function oneLine(e: unknown): string {
  const text = e instanceof Error ? `${e.message}${e.cause instanceof Error ? ` (cause: ${e.cause.message})` : ''}` : String(e);
  return text.replace(/\s*\n\s*/g, ' ').slice(0, 500);
}
