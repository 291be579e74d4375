/**
 * The service's tests: a service on loopback over a chosen store, real chips from the verifier's one
 * fixture, HTTP through fetch, and every answer held to the OpenAPI description (openapi.ts) as it
 * arrives: its status documented for the operation, its media type, its body valid against the schema.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { getBackend } from '@hemkit/wire/crypto/node';
import { HemkitError } from '@hemkit/wire/errors';
import { DEFAULT_POLICY, type Policy } from '@hemkit/verifier';
import { asAsyncStore, MemoryVerifierStore, type AsyncVerifierStore } from '@hemkit/verifier/store';
import { buildService, type ServiceOptions } from '../src/app.js';
import { OPENAPI } from '../src/openapi.js';
import { reference, T0, trust } from '../../verifier/test/support/fixture.js';

export { licensedChip, T0, seed } from '../../verifier/test/support/fixture.js';

export const TOKEN = 'test-token-0123456789abcdef';

export interface Running {
  readonly app: FastifyInstance;
  readonly url: string;
  /** The service's clock: set `now.value` to move it. */
  readonly now: { value: number };
  close(): Promise<void>;
}

/** A deterministic nonce source: 16 bytes counting up. */
function counter(): (n: number) => Uint8Array {
  let i = 0;
  return (n) => {
    const b = new Uint8Array(n);
    new DataView(b.buffer).setUint32(n - 4, ++i);
    b[0] = 0xc0;
    return b;
  };
}

export async function startService(over: Partial<ServiceOptions> & { policy?: Policy } = {}): Promise<Running> {
  const now = { value: T0 + 10 };
  const app = await buildService({
    trust: trust(),
    reference: reference(),
    policy: DEFAULT_POLICY,
    store: asAsyncStore(new MemoryVerifierStore()),
    backend: getBackend('node'),
    clock: () => now.value,
    random: counter(),
    readTokens: [TOKEN],
    rateLimit: false,
    ...over,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url, now, close: () => app.close() };
}

/** A store whose every call fails as a lost database connection does, while `failing.value` is set. */
export function failingStore(inner: AsyncVerifierStore, failing: { value: boolean; error?: () => Error }): AsyncVerifierStore {
  const wrap =
    <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      if (failing.value) throw failing.error?.() ?? new HemkitError('VERIFIER_STORE_FAILED', `recording an appraisal: connect ECONNREFUSED ${INTERNAL_DETAIL}`);
      return fn(...a);
    };
  return {
    appraise: wrap((u, p, d) => inner.appraise(u, p, d)),
    useNonce: wrap((n, e) => inner.useNonce(n, e)),
    getChip: wrap((u) => inner.getChip(u)),
    listChips: wrap((o) => inner.listChips(o)),
    issueChallenge: wrap((c) => inner.issueChallenge(c)),
    getChallenge: wrap((n, t) => inner.getChallenge(n, t)),
    close: () => inner.close(),
  };
}

/** What a store failure says inside the service, and no answer may repeat. */
export const INTERNAL_DETAIL = '10.1.2.3:5432 db-secret-host';

// --- the OpenAPI description, checked on every answer ---

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ $id: 'openapi', components: OPENAPI.components } as object);
// The attestation result in full: the spec's own JSON Schema, which the description only outlines.
const SCHEMAS = join(import.meta.dirname, '../../../specs/schemas');
for (const file of ['common.schema.json', 'attestation-result.schema.json']) ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')) as object);
const validateResult = ajv.getSchema('https://hemkit.invalid/schemas/attestation-result.schema.json')!;

type Operation = { responses: Record<string, { content?: Record<string, { schema: object }>; headers?: Record<string, unknown> }> };

/** The documented operation of a method and a concrete path (path parameters matched as segments). */
export function operationFor(method: string, path: string): { template: string; operation: Operation } | undefined {
  for (const [template, item] of Object.entries(OPENAPI.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const operation = (item as Record<string, Operation>)[method.toLowerCase()];
    if (pattern.test(path) && operation !== undefined) return { template, operation };
  }
  return undefined;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly type: string;
  readonly bytes: Uint8Array;
  readonly json: any;
}

/**
 * One request, its answer held to the description: a documented operation, a documented status with
 * a documented media type, a body valid against its schema, and the headers the description names.
 */
export async function call(base: string, method: string, path: string, init: { body?: Uint8Array | string; type?: string; accept?: string; token?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (init.type !== undefined) headers['content-type'] = init.type;
  if (init.accept !== undefined) headers.accept = init.accept;
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  const response = await fetch(`${base}${path}`, { method, headers, ...(init.body !== undefined ? { body: init.body } : {}) });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  const isJson = type.endsWith('json');
  const answer: Answer = { status: response.status, headers: response.headers, type, bytes, json: isJson ? JSON.parse(new TextDecoder().decode(bytes)) : undefined };
  conforms(method, path.split('?')[0]!, answer);
  return answer;
}

export function conforms(method: string, path: string, answer: Answer): void {
  const found = operationFor(method, path);
  if (found === undefined) {
    // An undocumented path is answered only by the not-found problem.
    expect({ status: answer.status, code: answer.json?.code }).toEqual({ status: 404, code: 'SERVICE_NOT_FOUND' });
    return;
  }
  const documented = found.operation.responses[String(answer.status)];
  expect(documented, `${method} ${found.template} answered ${answer.status}, which the description does not list`).toBeDefined();
  const content = documented!.content ?? {};
  expect(Object.keys(content), `${method} ${found.template} ${answer.status} answered ${answer.type}`).toContain(answer.type);
  for (const name of Object.keys(documented!.headers ?? {})) expect(answer.headers.get(name), `${method} ${found.template} ${answer.status}: header ${name}`).not.toBeNull();
  const schema = content[answer.type]!.schema as { $ref?: string };
  if (answer.json !== undefined) {
    const validate = ajv.compile(schema.$ref ? { $ref: `openapi${schema.$ref}` } : schema);
    expect(validate(answer.json), `${method} ${found.template} ${answer.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    if (schema.$ref === '#/components/schemas/AttestationResult') {
      expect(validateResult(answer.json), `${method} ${found.template} ${answer.status}: ${ajv.errorsText(validateResult.errors)}`).toBe(true);
    }
  }
}
