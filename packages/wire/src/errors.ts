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
  COSE_TYPE_MISMATCH: 'a signed message whose typ header is missing or names another message family (RFC 9596)',

  // --- hemkit messages (specs/messages/*.md, specs/cddl/hemkit.cddl) ---
  MESSAGE_MISSING_FIELD: 'a required field of a hemkit message is absent',
  MESSAGE_UNKNOWN_FIELD: 'a key that the message does not define (hemkit maps are closed)',
  MESSAGE_INVALID_FIELD: 'a field of the wrong type, size or range',

  // --- the secure module (specs/messages/module-commands.md, licence.md) ---
  MODULE_NOT_MANUFACTURED: 'a command other than manufacture reached a chip that has no identity yet',
  MODULE_ALREADY_MANUFACTURED: 'manufacture reached a chip that already has an identity',
  MODULE_NOT_PROVISIONED: 'the command needs a provisioned chip (device certificate, issuers, policy)',
  MODULE_ALREADY_PROVISIONED: 'provision reached a chip that is already provisioned',
  MODULE_REFUSING: 'the chip detected a state rollback or tamper and refuses to meter or unlock',
  MODULE_INVALID_PARAMS: 'command parameters that are well-formed but unusable (a tree size beyond the log, say)',
  CLOCK_WENT_BACKWARDS: 'the time supplied is earlier than the latest time the chip has seen',
  DEVICE_CERTIFICATE_INVALID: 'a device certificate that does not verify under the manufacturer key or does not name this chip and key',
  LICENCE_MALFORMED: 'a licence that is not a COSE_Sign of licence claims under the profile',
  LICENCE_UNKNOWN_SIGNER: 'a signature on a licence, revocation or issuer-set update by a key that is not in the issuer set in force',
  LICENCE_DUPLICATE_SIGNER: 'two signatures on one licence by the same issuer',
  LICENCE_SIGNATURE_INVALID: 'a licence signature by a listed issuer that does not verify',
  LICENCE_TOO_FEW_SIGNATURES: 'fewer valid signatures by distinct listed issuers than the threshold k',
  LICENCE_WRONG_CHIP: 'a licence or revocation for another chip (UEID mismatch)',
  LICENCE_NOT_YET_VALID: 'the chip\'s time is before the licence\'s not-before',
  LICENCE_EXPIRED: 'the chip\'s time is at or after the licence\'s expiry',
  LICENCE_REPLAYED: 'a sequence number not greater than the highest accepted (replay or rollback)',
  LICENCE_ALREADY_APPLIED: 'a licence whose hash is in the log of applied licences',
  LICENCE_CHALLENGE_MISMATCH: 'a licence that does not answer the chip\'s pending challenge',
  LICENCE_REVOKED: 'a licence whose id a revocation withdrew',
  LICENCE_SVN_TOO_LOW: 'a licence that requires a higher firmware security version number than the chip runs',
  REVOCATION_REPLAYED: 'a revocation the chip has already applied',
  ISSUERS_UPDATE_REPLAYED: 'an issuer-set update whose sequence number is not greater than that of the issuer set in force',
  ISSUERS_SET_INVALID: 'an issuer-set update whose new set repeats a key or whose threshold is not between 1 and the number of keys',
  ISSUERS_UPDATE_NOT_PRESENTED: 'the log applies an issuer-set update that the evidence bundle does not carry in order',
  WORKLOAD_LOCKED: 'no licence is active: the chip is locked',
  WORKLOAD_PRECISION_NOT_ALLOWED: 'the workload\'s precision class is not allowed by the licence',
  WORKLOAD_CLUSTER_TOO_LARGE: 'the workload\'s cluster size exceeds the licence\'s maximum',
  WORKLOAD_INTERCONNECT_EXCEEDED: 'the workload\'s interconnect rate exceeds the licence\'s maximum bandwidth',
  WORKLOAD_OVER_QUOTA: 'the workload would pass the licence\'s remaining operations quota',
  WORKLOAD_OVER_MEMORY_QUOTA: 'the workload would pass the licence\'s remaining memory-transfer quota',
  WORKLOAD_COUNTER_LIMIT: 'a workload that would take a lifetime usage counter past its maximum (2^128 - 1, or 2^53 - 1 for busy chip-seconds and workloads run)',
  WORKLOAD_OVER_BASELINE: 'a workload a lapsed chip would run faster than its throttled baseline rate allows (a throttling policy)',
  WORKLOAD_MODEL_STATES_INVALID: 'the workload names parent model states but no produced state, or names one model state twice',
  FIRMWARE_SIGNATURE_INVALID: 'a firmware manifest that does not verify under the pinned manufacturer key',
  FIRMWARE_WRONG_MODEL: 'a firmware manifest for another hardware model',
  FIRMWARE_SVN_DOWNGRADE: 'a firmware manifest whose security version number is lower than the running one',
  FIRMWARE_KIND_UNKNOWN: 'a firmware manifest of a kind the chip has no signer threshold for, or that names no kind where the chip needs one',
  FIRMWARE_TOO_FEW_SIGNATURES: 'fewer valid signatures by distinct provisioned firmware signers than the threshold of the manifest\'s kind',

  // --- CDDL checker (packages/cddl; RFC 8610) ---
  CDDL_SYNTAX: 'a CDDL schema that does not follow the RFC 8610 grammar, or that defines a rule twice',
  CDDL_UNDEFINED_RULE: 'a CDDL schema or a caller names a rule that is neither defined nor in the RFC 8610 prelude',
  CDDL_UNSUPPORTED_FEATURE: 'a CDDL feature the hemkit checker does not implement (generics, sockets, some control operators)',
  CDDL_VALIDATION_FAILED: 'a CBOR data item does not match the CDDL rule it was checked against',

  // --- the verifier (specs/verifier.md) ---
  VERIFIER_INPUT_INVALID: 'trust anchors, reference values or policy that do not match their schema',

  // --- a relying party reading an attestation result (specs/messages/attestation-result.md §1.2) ---
  RESULT_PROFILE_UNSUPPORTED: "an attestation result whose eat_profile is not the EAR profile the receiver implements",
  RESULT_MALFORMED: 'an attestation result in which a claim the receiver knows is missing or has a value its CDDL does not allow',
  RESULT_EXPIRED: "an attestation result read after its exp",
  RESULT_WRONG_AUDIENCE: "an attestation result whose aud names another relying party than the receiver",
  CHAIN_UNTRUSTED_ROOT: 'the device certificate is not signed by a trusted manufacturer root',
  CHAIN_SIGNATURE_INVALID: 'a certificate in the chain does not verify under the key above it',
  CHAIN_MISMATCH: 'the report, its certificates or its checkpoints name different chips, models, firmware or keys',
  REPORT_SIGNATURE_INVALID: 'the attestation report does not verify under the certified attestation key',
  DEVICE_REVOKED: 'the chip\'s UEID is on the verifier\'s revocation list',
  KEY_REVOKED: 'a key in the chain is on the verifier\'s revocation list',
  NONCE_MISSING: 'the policy requires a nonce and the verifier was given none to expect',
  NONCE_MISMATCH: 'the report\'s nonce is not the one the verifier issued',
  NONCE_WRONG_CHIP: 'the report answers the verifier\'s nonce but comes from another chip than the one the nonce was issued for',
  NONCE_REUSED: 'the nonce was already used for an appraisal (a replayed report)',
  REPORT_STALE: 'the report is older than the policy\'s maximum age',
  REPORT_FROM_FUTURE: 'the report claims a time later than the verifier\'s clock allows',
  MODEL_UNKNOWN: 'no reference values for the chip\'s OEM id and hardware model',
  FIRMWARE_UNKNOWN: 'the firmware measurement is not a known-good reference value',
  FIRMWARE_SVN_TOO_LOW: 'the firmware\'s security version number is below the minimum',
  DEBUG_ENABLED: 'the chip\'s debug state is not disabled, as the policy requires',
  CHIP_REPORTS_COMPROMISE: 'the chip itself reports a state rollback or tamper',
  COUNTERS_WENT_BACKWARDS: 'a usage counter is lower than the verifier last saw from this chip',
  BOOTCOUNT_WENT_BACKWARDS: 'the boot count is lower than the verifier last saw from this chip',
  CHECKPOINT_SIGNATURE_INVALID: 'a checkpoint does not verify under the attestation key',
  CHECKPOINT_MISMATCH: 'the checkpoints do not agree with each other or with the report',
  LOG_KEY_UNCERTIFIED: 'notes are carried without a log-key certificate for this chip that verifies under its device identity key',
  NOTE_MALFORMED: 'a signed note is not a three-line C2SP checkpoint with well-formed signature lines',
  NOTE_SIGNATURE_INVALID: "no signature line of a note verifies under the chip's certified log key",
  NOTE_MISMATCH: "a note names another origin than the chip's certified one, or a head that no COSE checkpoint or report of the chip states",
  LOG_FORK: 'two checkpoints of one size with different roots',
  LOG_TRUNCATED: "the report's log head is smaller than a checkpoint remembered or carried",
  LOG_INCONSISTENT: "a consistency receipt for the needed pair of sizes does not lead from the earlier root to the report's log head",
  CONSISTENCY_PROOF_MISSING: "neither a consistency receipt nor the bundle's frontier links a remembered or carried checkpoint to the report's log head",
  ENTRY_NOT_INCLUDED: "a disclosed entry's inclusion receipt does not prove it in the report's log head",
  OPENING_MISMATCH: 'an opening does not open the commitment of its entry',
  LOG_COVERAGE_INCOMPLETE: "the entries between the remembered head (or the empty log) and the report's log head are not all disclosed",
  COUNTERS_LOG_MISMATCH: "the workloads logged between the remembered head and the report's log head differ from the counter deltas",
  LICENCE_NOT_PRESENTED: 'the report names a licence the bundle does not carry',
  LICENCE_QUOTA_EXCEEDED: 'usage under a licence exceeds its operations quota',
  LICENCE_OUT_OF_WINDOW: 'usage under a licence outside its validity window',
  LICENCE_REINSTALLED: 'the log installs a licence id this chip installed before',
  LICENCE_UNACCOUNTED: 'usage or a licence state that no installed licence in the log accounts for',
  USAGE_IMPLAUSIBLE: 'more work than the model\'s peak rate allows in the verifier\'s elapsed time',

  // --- RFC 9162 Merkle trees (specs/merkle.md) ---
  MERKLE_INVALID_HASH_LENGTH: 'a hash that is not 32 bytes',
  MERKLE_INDEX_OUT_OF_RANGE: 'a leaf index not less than the tree size',
  MERKLE_INVALID_TREE_SIZE: 'a tree size that is negative, not an integer, or beyond 2^53-1',
  MERKLE_PROOF_WRONG_LENGTH: 'a proof with more or fewer hashes than the tree shape requires',
  MERKLE_ROOT_MISMATCH: 'the root computed from the proof differs from the expected root',
  MERKLE_SIZE_DECREASED: 'a consistency proof asked from a larger tree to a smaller one',
  MERKLE_EMPTY_TREE_CONSISTENCY: 'a consistency proof from the empty tree, which proves nothing (RFC 9162 §2.1.4.2: 0 < first)',
  MERKLE_INVALID_SUBTREE: 'a leaf range [start, end) that is not a subtree (draft-ietf-plants-merkle-tree-certs)',

  // --- secure module storage and transport (security.md §4, messages/module-commands.md §2) ---
  STATE_CORRUPT: 'the persisted state record is truncated, oversized, or has a bad magic, version, length or checksum',
  STATE_TOO_LARGE: 'a state larger than the store bound was given to commit',
  COUNTER_CORRUPT: 'the monotonic counter record is truncated, or has a bad magic, version or checksum',
  COUNTER_NOT_MONOTONIC: 'a monotonic counter was asked to move to a value not above its current one, or past 2^64-1',
  STORAGE_IO_FAILED: 'the storage medium failed a read, write, fsync or rename, or refused a write (a read-only medium)',
  STORAGE_FULL: 'the storage medium has no space left for a write (ENOSPC, EDQUOT); the command that needed it was not acknowledged',
  FRAME_TOO_LARGE: 'a frame length above the maximum frame size',
  FRAME_EMPTY: 'a frame length of 0, which carries no CBOR item',
  FRAME_TRUNCATED: 'the stream ends inside a frame length or a frame item',
  TRANSPORT_FAILED: 'the stream could not be opened, failed, or closed before the response arrived',

  // --- secure module log store (packages/module/src/log) ---
  LOG_STORE_CORRUPT: "the log store's files disagree with each other or with the leaf count, or the store is used after close",
  LOG_INTEGRITY_FAILED: "the log's stored entries or hashes do not reproduce the root the committed state records: an acknowledged entry was changed",
  LOG_ENTRIES_MISSING: 'the log holds fewer entries than the committed state counts: acknowledged entries were removed or cut off',

  // --- scenarios and the cost model (specs/scenarios.md, packages/module/src/scenario) ---
  SCENARIO_FORMAT_UNSUPPORTED: 'a scenario file whose format member is not hemkit-scenario/v1',
  SCENARIO_INVALID: 'a scenario file of the wrong shape: a member missing, unknown, of the wrong type or out of range (the message names its JSON pointer)',
  SCENARIO_UNKNOWN_NAME: 'a scenario step names a party, licence, mark or snapshot that no earlier part of the scenario defines',
  SCENARIO_STEP_NOT_APPLICABLE: "a scenario step that cannot be carried out where it stands: it needs the chip's UEID before manufacture, a pending challenge the chip does not hold, a verifier the runner was not given",
  SCENARIO_EXPECTATION_FAILED: 'a scenario step whose outcome differs from the one the scenario expects',
  POLICY_MODULE_INVALID: 'a firmware policy module that cannot be loaded, or whose export is not a policy: a name and every hook of FirmwarePolicy, and no other member',
  TRACE_INVALID: 'a file given as a scenario trace that is not a hemkit-scenario-trace/v1 object: its format, steps, outcomes or costs missing or mistyped',
  COST_INVALID_INPUT: 'a cost projection input out of range: a workload pattern or part limit that is negative, zero where it divides, or not a number',

  // --- verifier store (specs/verifier.md §4, packages/verifier/src/store) ---
  VERIFIER_STORE_CORRUPT: 'the verifier store file is not a hemkit verifier database, or its pages or records are damaged',
  VERIFIER_STORE_SCHEMA_UNSUPPORTED: 'the verifier store was written by a newer schema version than this verifier understands',
  VERIFIER_STORE_FAILED: 'the verifier store could not be opened, read or written (I/O error, disk full, lock wait timed out, closed)',
  VERIFIER_STORE_INVALID_INPUT: 'a chip update, checkpoint or nonce the store cannot record exactly (out-of-range counter, UEID mismatch)',

  // --- verifier: fleet compute accounting (packages/verifier/src/accounting) ---
  ACCOUNTING_INVALID_INPUT: 'an accounting input not of its type or range: a missing or malformed field (a workload without descriptor, a count that is not a non-negative bigint, a bad log index, UEID or licence id), a bad or repeated threshold id, or a report accountFleet did not make',
  ACCOUNTING_CONFLICTING_ENTRY: 'one log entry of a chip (UEID and log index) is disclosed twice, in one appraisal or across its appraisals, with different operations or descriptors',
  ACCOUNTING_COUNTER_EXCEEDED: "an affirmed chip's distinct disclosed workloads add up to more operations than its largest affirmed lifetime counter",
  ACCOUNTING_CONFLICTING_LICENCE: 'the licence register gives one licence of a chip twice with different operations quotas',
  LINEAGE_CYCLE: 'the model states the disclosed workloads name form a cycle: a state would descend from itself',
  LINEAGE_PARENT_MISSING: 'a model state is named as a parent, but no disclosed workload produced it and no declared model gives its compute (under the refuse rule)',
  LINEAGE_CONFLICTING_ENTRY: 'one log entry of a chip is disclosed twice with different operations, model states, time or workload id, or one declared model is given two figures',
  ACCOUNTING_LICENCE_EXCEEDED: "an affirmed chip's lifetime counter is greater than the operations quotas of every licence the register lists for it",

  // --- the verification service (specs/service.md, packages/service) ---
  SERVICE_BAD_REQUEST: 'a request the verification service cannot read: a malformed path parameter or JSON body',
  SERVICE_UNAUTHORIZED: 'a read endpoint of the verification service called without a bearer token it accepts',
  SERVICE_NOT_FOUND: 'no such endpoint of the verification service, or no remembered chip of that UEID',
  SERVICE_CHALLENGE_UNKNOWN: 'evidence sent against a nonce the verification service did not issue, or whose challenge has expired',
  SERVICE_NOT_ACCEPTABLE: 'the Accept header names no result form the verification service produces (the signed result needs a verifier key)',
  SERVICE_BODY_TOO_LARGE: 'a request body larger than the verification service accepts',
  SERVICE_UNSUPPORTED_MEDIA_TYPE: 'a request body of a media type the endpoint does not take',
  SERVICE_RATE_LIMITED: 'a client sent more requests than the verification service allows it in the window',
  SERVICE_INTERNAL_ERROR: 'an unexpected failure inside the verification service; the response says nothing more, its log does',
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
