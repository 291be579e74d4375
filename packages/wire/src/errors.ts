/**
 * The one error type of hemkit, and the registry of its codes.
 *
 * Every failure a caller can see carries a stable string `code` from `ErrorCode`, so callers can
 * `switch` on it exhaustively while messages stay free to improve. The registry below is the single
 * source of truth: specs/registries.md lists the same codes, and a test keeps the two in step.
 * No exception from a library (cbor-x, noble, node:crypto) may escape a public function: wrap it.
 */

/** Code → one-line meaning, as published in the spec's error-code registry (specs/registries.md). */
export const ERROR_REGISTRY = {
  // --- CBOR encoding profile (specs/encoding.md) ---
  CBOR_TRUNCATED: 'the input ends inside a data item',
  CBOR_TRAILING_BYTES: 'bytes follow the single top-level data item',
  CBOR_NON_SHORTEST_HEAD: 'an argument is not encoded in its shortest form (RFC 8949 §4.2.1)',
  CBOR_INDEFINITE_LENGTH: 'an indefinite-length item or a break code appears',
  CBOR_RESERVED_ADDITIONAL_INFO: 'additional information 28 to 30, or 31 on major type 0, 1 or 6 (not well-formed)',
  CBOR_UNSORTED_MAP_KEYS: 'map keys are not in bytewise lexicographic order of their encodings',
  CBOR_DUPLICATE_MAP_KEY: 'a map key appears twice',
  CBOR_INVALID_MAP_KEY: 'a map key is neither an integer nor a text string',
  CBOR_TAG_NOT_ALLOWED: 'a tag that the profile (or the caller) does not allow',
  CBOR_INVALID_TAG_CONTENT: 'a tag whose content has the wrong type (a bignum that does not enclose a byte string)',
  CBOR_NON_PREFERRED_BIGNUM: 'a bignum with leading zero bytes or one that fits in major type 0 or 1',
  CBOR_FLOAT_NOT_ALLOWED: 'a floating-point number, which the profile does not allow',
  CBOR_SIMPLE_NOT_ALLOWED: 'a simple value other than false, true and null',
  CBOR_INVALID_UTF8: 'a text string that is not valid UTF-8',
  CBOR_DEPTH_EXCEEDED: 'arrays, maps and tags nested deeper than the bound',
  CBOR_INPUT_TOO_LARGE: 'the input is larger than the bound',
  CBOR_UNSUPPORTED_VALUE: 'the encoder was given a value outside the CBOR data model of the profile',

  // --- crypto backends (specs/cose.md, algorithm table) ---
  CRYPTO_INVALID_PUBLIC_KEY: 'a public key of the wrong length or not a valid point',
  CRYPTO_INVALID_PRIVATE_KEY: 'a private key of the wrong length or out of range',
  CRYPTO_UNSUPPORTED_ALGORITHM: 'a signature algorithm the backend does not implement',
  CRYPTO_BACKEND_UNAVAILABLE: 'the requested crypto backend is not available in this runtime',
  CRYPTO_INVALID_MESSAGE: 'a message or data argument that is not a Uint8Array',

  // --- COSE profile (specs/cose.md) ---
  COSE_MALFORMED: 'a COSE structure of the wrong shape (RFC 9052 §4)',
  COSE_UNEXPECTED_TAG: 'a COSE message tagged other than its type requires',
  COSE_MISSING_ALG: 'no alg in the protected header (the profile requires it there)',
  COSE_UNSUPPORTED_ALG: 'an alg outside the profile algorithm table',
  COSE_DUPLICATE_HEADER: 'a header label in both the protected and unprotected buckets',
  COSE_UNKNOWN_CRITICAL_HEADER: 'crit names a header this implementation does not understand',
  COSE_PAYLOAD_MISSING: 'a detached payload was expected but not supplied, or the reverse',
  COSE_SIGNATURE_INVALID: 'a signature does not verify under the given key',
  COSE_KEY_INVALID: 'a COSE_Key of the wrong shape or with invalid key material (RFC 9052 §7)',
  COSE_KEY_ALG_MISMATCH: 'the key cannot be used with the message alg',
  COSE_NO_SIGNERS: 'a COSE_Sign with no signatures',

  // --- hemkit messages (specs/messages/*.md, specs/cddl/hemkit.cddl) ---
  MESSAGE_MISSING_FIELD: 'a required field of a hemkit message is absent',
  MESSAGE_UNKNOWN_FIELD: 'a key that the message does not define (hemkit maps are closed)',
  MESSAGE_INVALID_FIELD: 'a field of the wrong type, size or range',

  // --- RFC 9162 Merkle trees (specs/merkle.md) ---
  MERKLE_INVALID_HASH_LENGTH: 'a hash that is not 32 bytes',
  MERKLE_INDEX_OUT_OF_RANGE: 'a leaf index not less than the tree size',
  MERKLE_INVALID_TREE_SIZE: 'a tree size that is negative, not an integer, or beyond 2^53-1',
  MERKLE_PROOF_WRONG_LENGTH: 'a proof with more or fewer hashes than the tree shape requires',
  MERKLE_ROOT_MISMATCH: 'the root computed from the proof differs from the expected root',
  MERKLE_SIZE_DECREASED: 'a consistency proof asked from a larger tree to a smaller one',
  MERKLE_EMPTY_TREE_CONSISTENCY: 'a consistency proof from the empty tree, which proves nothing (RFC 9162 §2.1.4.2: 0 < first)',
  MERKLE_INVALID_SUBTREE: 'a leaf range [start, end) that is not a subtree (draft-ietf-plants-merkle-tree-certs)',

  // --- secure module log store (packages/module/src/log) ---
  LOG_STORE_CORRUPT: "the log store's files disagree with each other or with the leaf count, or cannot be read or written",
} as const satisfies Record<string, string>;

export type ErrorCode = keyof typeof ERROR_REGISTRY;

export const ERROR_CODES: readonly ErrorCode[] = Object.keys(ERROR_REGISTRY) as ErrorCode[];

export interface HemkitErrorOptions {
  /** The underlying exception, kept for debugging; never part of the stable interface. */
  readonly cause?: unknown;
  /** Byte offset into the input where the problem was found, when there is one. */
  readonly offset?: number;
}

export class HemkitError extends Error {
  override readonly name = 'HemkitError';
  readonly code: ErrorCode;
  readonly offset: number | undefined;

  constructor(code: ErrorCode, message: string, options: HemkitErrorOptions = {}) {
    super(options.offset === undefined ? message : `${message} (at byte ${options.offset})`, {
      cause: options.cause,
    });
    this.code = code;
    this.offset = options.offset;
  }
}

export function isHemkitError(value: unknown, code?: ErrorCode): value is HemkitError {
  return value instanceof HemkitError && (code === undefined || value.code === code);
}
