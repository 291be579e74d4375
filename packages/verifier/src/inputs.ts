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

const hex = z.string().regex(/^([0-9a-f]{2})+$/, 'lowercase hex');
/** A public key as the hex of its COSE_Key encoding (what `hemkit module` writes). */
const coseKeyHex = hex.transform((text, ctx): CosePublicKey => {
  try {
    return decodeCoseKey(decode(Buffer.from(text, 'hex')));
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

export const referenceValuesSchema = z
  .object({
    models: z
      .array(
        z
          .object({
            hwmodel: z.string().min(1),
            minimumSvn: z.number().int().min(0),
            firmware: z.array(z.object({ measurement: hex.length(64), svn: z.number().int().min(0), name: z.string().optional() }).strict()).min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export const policySchema = z
  .object({
    /** Every report must answer the verifier's nonce (freshness by challenge). */
    requireNonce: z.boolean().default(true),
    /** A report older than this (by its own iat, against the verifier clock) is stale. */
    maxAgeSeconds: z.number().int().min(0).default(600),
    clockSkewSeconds: z.number().int().min(0).default(60),
    /** Debug must be disabled (RFC 9711 dbgstat 2, 3 or 4). */
    requireDebugDisabled: z.boolean().default(true),
    /** The bundle must disclose every entry between the base checkpoint and the head. */
    requireLogCoverage: z.boolean().default(true),
    policyId: z.string().default('hemkit/v1/default'),
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
