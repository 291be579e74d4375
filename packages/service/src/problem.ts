/**
 * Every error response of the service is an RFC 9457 problem document (`application/problem+json`)
 * carrying a code of hemkit's error registry (specs/service.md §5). What a client did wrong is
 * described to it; what went wrong inside the service is not: a 5xx names its code and nothing else.
 */
import { ERROR_REGISTRY, isHemkitError, type ErrorCode } from '@hemkit/wire/errors';

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** The problem type URI of a code: a tag URI (RFC 4151) under the provisional hemkit authority. */
export const problemType = (code: ErrorCode): string => `tag:hemkit.example,2026:problem/${code}`;

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ErrorCode;
}

/** An error the service answers with: a code, an HTTP status, a detail safe to show, headers. */
export class ServiceProblem extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    readonly detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
  }

  toJson(): Problem {
    return { type: problemType(this.code), title: ERROR_REGISTRY[this.code], status: this.status, detail: oneLine(this.detail), code: this.code };
  }
}

const oneLine = (s: string): string => {
  const line = s.replace(/\s*\n\s*/g, ' ');
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
};

/** Store failures: transient, so 503 with Retry-After; the cause stays in the log. */
export function storeUnavailable(retryAfterSeconds: number): ServiceProblem {
  return new ServiceProblem('VERIFIER_STORE_FAILED', 503, `the verifier store is unavailable; retry after ${retryAfterSeconds} s`, { 'retry-after': String(retryAfterSeconds) });
}

export function internalError(): ServiceProblem {
  return new ServiceProblem('SERVICE_INTERNAL_ERROR', 500, 'internal error');
}

/**
 * Fastify's own errors, by their code (fastify's `FST_ERR_*`), as problems: a body too large, a media
 * type the route does not take, JSON that does not parse, a request that fails the route's schema.
 */
export function fromFrameworkError(e: { code?: string; statusCode?: number; message: string; validation?: unknown }): ServiceProblem | undefined {
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ServiceProblem('SERVICE_BODY_TOO_LARGE', 413, 'the request body is larger than this endpoint accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ServiceProblem('SERVICE_UNSUPPORTED_MEDIA_TYPE', 415, 'this endpoint does not take a body of that media type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ServiceProblem('SERVICE_BAD_REQUEST', 400, 'the body is not a JSON document');
    case 'FST_ERR_VALIDATION':
      return new ServiceProblem('SERVICE_BAD_REQUEST', 400, e.message);
    default:
      if (e.validation !== undefined) return new ServiceProblem('SERVICE_BAD_REQUEST', 400, e.message);
      if (e.statusCode === 400) return new ServiceProblem('SERVICE_BAD_REQUEST', 400, 'the request cannot be read');
      return undefined;
  }
}

/** The problem for anything thrown while handling a request. */
export function toProblem(e: unknown, retryAfterSeconds: number): ServiceProblem {
  if (e instanceof ServiceProblem) return e;
  if (isHemkitError(e) && e.code === 'VERIFIER_STORE_FAILED') return storeUnavailable(retryAfterSeconds);
  if (typeof e === 'object' && e !== null && 'message' in e) {
    const framework = fromFrameworkError(e as { code?: string; statusCode?: number; message: string });
    if (framework !== undefined) return framework;
  }
  return internalError();
}
