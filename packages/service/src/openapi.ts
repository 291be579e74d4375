/**
 * The OpenAPI 3.1 description of the service (specs/service.md §2), served at GET /openapi.json. A
 * test (packages/service/test/openapi.test.ts) holds the running server to it: every route documented
 * and every documented route served, each answer's status, media type and body as described here.
 */
const hex = (min: number, max: number) => ({ type: 'string', pattern: '^([0-9a-f]{2})+$', minLength: 2 * min, maxLength: 2 * max });
const decimal = { type: 'string', pattern: '^(0|[1-9][0-9]*)$' };
const seconds = { type: 'integer', minimum: 0 };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const problem = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
const retryAfter = { 'Retry-After': { description: 'seconds to wait before retrying', schema: { type: 'string', pattern: '^[0-9]+$' } } };
const unavailable = problem('the verifier store is unavailable (code VERIFIER_STORE_FAILED)', retryAfter);
const internal = problem('an unexpected failure inside the service (SERVICE_INTERNAL_ERROR): the detail is always "internal error"');
const limited = problem('too many requests from this client (SERVICE_RATE_LIMITED)', retryAfter);
const unauthorized = problem('no bearer token the service accepts (SERVICE_UNAUTHORIZED)', { 'WWW-Authenticate': { schema: { type: 'string' } } });

export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'hemkit verification service',
    version: '1.0.0',
    description:
      'A RATS verifier in the background-check model (RFC 9334 §5.2) for hemkit evidence: issue a challenge, appraise the evidence bundle that answers it, read what the verifier remembers. Errors are RFC 9457 problem documents whose code is in the hemkit error registry (specs/registries.md).',
  },
  jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Problem: {
        type: 'object',
        required: ['type', 'title', 'status', 'detail', 'code'],
        additionalProperties: false,
        properties: {
          type: { type: 'string', pattern: '^tag:hemkit\\.example,2026:problem/[A-Z0-9_]+$' },
          title: { type: 'string' },
          status: { type: 'integer', minimum: 400, maximum: 599 },
          detail: { type: 'string', pattern: '^[^\\n]*$' },
          code: { type: 'string', pattern: '^[A-Z0-9_]+$' },
        },
      },
      ChallengeRequest: {
        type: 'object',
        additionalProperties: false,
        properties: { ueid: { ...hex(7, 33), description: 'the chip the nonce is for: a report of another chip is NONCE_WRONG_CHIP' } },
      },
      Challenge: {
        type: 'object',
        required: ['format', 'nonce', 'issuedAt', 'expiresAt', 'knownTreeSize'],
        additionalProperties: false,
        description: 'the challenge file of hemkit challenge, with its expiry: hemkit module evidence --challenge reads it',
        properties: {
          format: { const: 'hemkit-challenge/v1' },
          nonce: hex(8, 64),
          issuedAt: seconds,
          expiresAt: seconds,
          ueid: hex(7, 33),
          knownTreeSize: { type: 'integer', minimum: 0, description: 'the log size the verifier remembers for the chip: prove against it' },
        },
      },
      AttestationResult: {
        type: 'object',
        required: ['eat_profile', 'iat', 'exp', 'ear_verifier_id', 'submods'],
        description: 'EAR JSON: its outer shape here; in full, specs/schemas/attestation-result.schema.json (specs/messages/attestation-result.md)',
        properties: {
          eat_profile: { const: 'tag:ietf.org,2026:rats/ear#04' },
          iat: seconds,
          exp: seconds,
          ear_verifier_id: { type: 'object' },
          submods: {
            type: 'object',
            minProperties: 1,
            maxProperties: 1,
            additionalProperties: {
              type: 'object',
              required: ['ear_status', 'ear_trustworthiness_vector', 'ear_appraisal_policy_ids', 'hemkit.checks'],
              properties: { ear_status: { enum: ['affirming', 'warning', 'contraindicated'] }, 'hemkit.checks': { type: 'array', minItems: 15, maxItems: 15 } },
            },
          },
        },
      },
      ChipState: {
        type: 'object',
        required: ['ueid', 'bootcount', 'totalOps', 'workloadsRun', 'latestCheckpoint', 'lastAppraisedAt', 'licenceUsage', 'activeLicence'],
        additionalProperties: false,
        properties: {
          ueid: hex(7, 33),
          bootcount: seconds,
          totalOps: decimal,
          workloadsRun: seconds,
          latestCheckpoint: {
            oneOf: [
              { type: 'null' },
              { type: 'object', required: ['treeSize', 'rootHash', 'issuedAt', 'totalOps'], additionalProperties: false, properties: { treeSize: seconds, rootHash: hex(32, 32), issuedAt: seconds, totalOps: decimal } },
            ],
          },
          lastAppraisedAt: seconds,
          licenceUsage: { type: 'object', additionalProperties: decimal },
          activeLicence: { oneOf: [{ type: 'null' }, hex(1, 64)] },
        },
      },
      Fleet: {
        type: 'object',
        description: 'the fleet accounting report (specs/verifier.md §6.1; specs/schemas/accounting-report.schema.json)',
        required: ['thresholds', 'flagged', 'incomplete', 'aggregate', 'chips', 'undisclosedOps'],
        properties: { chips: { type: 'object', required: ['reporting', 'affirmed', 'notAffirmed'] }, undisclosedOps: decimal },
      },
      Health: { type: 'object', required: ['status'], additionalProperties: false, properties: { status: { const: 'ok' } } },
    },
  },
  paths: {
    '/v1/challenges': {
      post: {
        operationId: 'issueChallenge',
        summary: 'issue a nonce, remembered with its expiry, optionally for one chip',
        requestBody: { required: false, content: { 'application/json': { schema: ref('ChallengeRequest') } } },
        responses: {
          '201': { description: 'the challenge', headers: { Location: { schema: { type: 'string' } } }, content: { 'application/json': { schema: ref('Challenge') } } },
          '400': problem('a malformed body (SERVICE_BAD_REQUEST)'),
          '413': problem('a body too large (SERVICE_BODY_TOO_LARGE)'),
          '415': problem('a body that is not JSON (SERVICE_UNSUPPORTED_MEDIA_TYPE)'),
          '429': limited,
          '500': internal,
          '503': unavailable,
        },
      },
    },
    '/v1/challenges/{nonce}/evidence': {
      post: {
        operationId: 'appraiseEvidence',
        summary: 'appraise the evidence bundle answering a challenge',
        parameters: [{ name: 'nonce', in: 'path', required: true, schema: hex(8, 64) }],
        requestBody: {
          required: true,
          content: {
            'application/cbor': { schema: { type: 'string', contentMediaType: 'application/cbor' } },
            'application/vnd.hemkit.evidence+cbor': { schema: { type: 'string', contentMediaType: 'application/vnd.hemkit.evidence+cbor' } },
          },
        },
        responses: {
          '200': {
            description: 'the attestation result, whatever its status: EAR JSON, or with Accept application/eat+cwt the signed COSE_Sign1 result',
            content: {
              'application/eat-ucs+json': { schema: ref('AttestationResult') },
              'application/eat+cwt': { schema: { type: 'string', contentMediaType: 'application/cose' } },
            },
          },
          '400': problem('a malformed nonce (SERVICE_BAD_REQUEST)'),
          '404': problem('no live challenge has this nonce (SERVICE_CHALLENGE_UNKNOWN)'),
          '406': problem('no acceptable result form (SERVICE_NOT_ACCEPTABLE)'),
          '413': problem('a bundle over 1 MiB (SERVICE_BODY_TOO_LARGE)'),
          '415': problem('a body that is not CBOR (SERVICE_UNSUPPORTED_MEDIA_TYPE)'),
          '422': problem('a body that is not an evidence bundle (its CBOR_*, MESSAGE_* or COSE_* code)'),
          '429': limited,
          '500': internal,
          '503': unavailable,
        },
      },
    },
    '/v1/chips/{ueid}': {
      get: {
        operationId: 'chipState',
        summary: 'what the verifier remembers of one chip',
        security: [{ bearer: [] }],
        parameters: [{ name: 'ueid', in: 'path', required: true, schema: hex(7, 33) }],
        responses: {
          '200': { description: 'the chip state', content: { 'application/json': { schema: ref('ChipState') } } },
          '400': problem('a malformed UEID (SERVICE_BAD_REQUEST)'),
          '401': unauthorized,
          '404': problem('no remembered chip (SERVICE_NOT_FOUND)'),
          '429': limited,
          '500': internal,
          '503': unavailable,
        },
      },
    },
    '/v1/fleet': {
      get: {
        operationId: 'fleetAccounting',
        summary: "fleet accounting over every remembered chip's affirmed lifetime counter",
        security: [{ bearer: [] }],
        responses: {
          '200': { description: 'the accounting', content: { 'application/json': { schema: ref('Fleet') } } },
          '401': unauthorized,
          '429': limited,
          '500': internal,
          '503': unavailable,
        },
      },
    },
    '/health': {
      get: {
        operationId: 'health',
        summary: 'the service answers and its store answers',
        responses: { '200': { description: 'healthy', content: { 'application/json': { schema: ref('Health') } } }, '429': limited,
          '500': internal, '503': unavailable },
      },
    },
    '/metrics': {
      get: {
        operationId: 'metrics',
        summary: 'Prometheus text exposition: hemkit_appraisals_total{status}, hemkit_appraisal_duration_seconds, hemkit_store_errors_total, hemkit_challenges_total',
        responses: { '200': { description: 'the metrics', content: { 'text/plain': { schema: { type: 'string' } } } }, '429': limited, '500': internal },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'openapi',
        summary: 'this document',
        responses: { '200': { description: 'the OpenAPI description', content: { 'application/json': { schema: { type: 'object' } } } }, '429': limited, '500': internal },
      },
    },
  },
} as const;
