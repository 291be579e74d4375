/**
 * The verifier's configuration (specs/verifier.md §3): trust anchors, reference values and the
 * appraisal policy. JSON files that people edit, checked by zod schemas on load so that a typo is a
 * clear VERIFIER_INPUT_INVALID rather than a silently weaker appraisal.
 */
import { z } from 'zod';
import { decode } from '@hemkit/wire/cbor';
import { decodeCoseKey, type CosePublicKey } from '@hemkit/wire/cose';
import { HemkitError } from '@hemkit/wire/errors';
import { keyThumbprint } from '@hemkit/wire/messages';
import { fromHex } from '@hemkit/wire/bytes';

const hex = z.string().regex(/^([0-9a-f]{2})+$/, 'lowercase hex');
/** A public key as the hex of its COSE_Key encoding (what `hemkit module` writes). */
const coseKeyHex = hex.transform((text, ctx): CosePublicKey => {
  try {
    return decodeCoseKey(decode(fromHex(text)));
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `not a COSE_Key: ${(e as Error).message}` });
    return z.NEVER;
  }
});

export const trustAnchorsSchema = z
  .object({
    manufacturers: z.array(z.object({ name: z.string(), key: coseKeyHex }).strict()).min(1),
    licenceIssuers: z.object({ keys: z.array(coseKeyHex).min(1), threshold: z.number().int().min(1) }).strict(),
    revoked: z
      .object({ ueids: z.array(hex).default([]), keyIds: z.array(hex).default([]) })
      .strict()
      .default({ ueids: [], keyIds: [] }),
  })
  .strict()
  .refine((t) => t.licenceIssuers.threshold <= t.licenceIssuers.keys.length, 'licence issuer threshold exceeds the number of issuers');

const peakRate = z
  .union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^[1-9][0-9]{0,38}$/, 'a positive decimal integer')])
  .transform((v) => BigInt(v))
  .refine((v) => v < 1n << 128n, 'at most 2^128-1');

export const referenceValuesSchema = z
  .object({
    models: z
      .array(
        z
          .object({
            /** The OEM id (RFC 9711 §4.2.3, 16 bytes) that the model's name is relative to. */
            oemid: hex.length(32),
            hwmodel: z.string().min(1),
            minimumSvn: z.number().int().min(0),
            /**
             * The most operations a chip of this model can perform in one second, all precision
             * classes together: what bounds usage against the verifier's own clock (verifier.md §5,
             * check 15). A decimal string, or a JSON integer up to 2^53-1.
             */
            peakOpsPerSecond: peakRate,
            firmware: z.array(z.object({ measurement: hex.length(64), svn: z.number().int().min(0), name: z.string().optional() }).strict()).min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

const decimal = z.string().regex(/^(0|[1-9][0-9]{0,38})$/, 'a decimal integer').transform((v) => BigInt(v));

/** verifier.md §5.1: the licence rules of a firmware policy, as a verifier needs them. */
export const licenceRulesSchema = z
  .object({
    /** Licences have a window the chip enforces; false for a chip with no clock (usage-only). */
    clock: z.boolean().default(true),
    /** Quota drawn per operation, by precision class (decimal key), in thousandths; absent classes draw 1000. */
    precisionWeights: z.record(z.string().regex(/^[1-9][0-9]?$/, 'a precision class'), z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).optional(),
    /** Operations per second a lapsed (no, expired or exhausted licence) chip may run without a licence. */
    throttledBaselineOpsPerSecond: decimal.optional(),
    /** A workload over the remaining quota is admitted, its excess at the baseline rate. */
    admitToQuota: z.boolean().default(false),
    /** What a new licence does with the remaining quota of the one it replaces. */
    unusedQuota: z.enum(['discard', 'carry']).default('discard'),
  })
  .strict();
export type LicenceRules = z.output<typeof licenceRulesSchema>;

export const policySchema = z
  .object({
    /** Every report must answer the verifier's nonce (freshness by challenge). */
    requireNonce: z.boolean().default(true),
    /** A report older than this (by its own iat, against the verifier clock) is stale. */
    maxAgeSeconds: z.number().int().min(0).default(600),
    clockSkewSeconds: z.number().int().min(0).default(60),
    /** Debug must be disabled (RFC 9711 dbgstat 2, 3 or 4). */
    requireDebugDisabled: z.boolean().default(true),
    /**
     * Kept for files written for earlier drafts, and only `true` is accepted: a bundle must always
     * disclose every entry from the remembered head to the report's, since counters no log entry
     * covers are never affirmed (verifier.md §4, invariant 2).
     */
    requireLogCoverage: z.literal(true, { error: 'requireLogCoverage can only be true: uncovered counters are never affirmed' }).default(true),
    policyId: z.string().default('hemkit/v1/default'),
    /**
     * The firmware policy the appraised chips run (module-commands.md §5; verifier.md §5.1): what
     * check 14 expects of their licences. The default is hemkit v1's default firmware policy.
     */
    licenceRules: licenceRulesSchema.default(licenceRulesSchema.parse({})),
  })
  .strict();

export type TrustAnchors = z.output<typeof trustAnchorsSchema>;
export type ReferenceValues = z.output<typeof referenceValuesSchema>;
export type Policy = z.output<typeof policySchema>;

export const DEFAULT_POLICY: Policy = policySchema.parse({});

function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new HemkitError('VERIFIER_INPUT_INVALID', `${what}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  return result.data;
}

export const parseTrustAnchors = (value: unknown): TrustAnchors => parseWith(trustAnchorsSchema, value, 'trust anchors');
export const parseReferenceValues = (value: unknown): ReferenceValues => parseWith(referenceValuesSchema, value, 'reference values');
export const parsePolicy = (value: unknown): Policy => parseWith(policySchema, value, 'policy');

/** Writes a key as the hex trust files use. */
export { keyThumbprint };
