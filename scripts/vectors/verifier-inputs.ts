/**
 * test-vectors/verifier/inputs.json: the verifier's configuration files (specs/verifier.md §3, the
 * schemas of packages/verifier/src/inputs.ts): trust anchors, reference values and the appraisal
 * policy, as the JSON people edit. Valid vectors parse (a policy's vector gives the policy in effect,
 * defaults filled in); invalid ones fail with VERIFIER_INPUT_INVALID rather than weaken an appraisal.
 */
import { encode } from '@hemkit/wire/cbor';
import { encodeCoseKey } from '@hemkit/wire/cose';
import { signingKey } from '@hemkit/wire/messages';
import { parsePolicy, parseReferenceValues, parseTrustAnchors, type Policy } from '../../packages/verifier/src/inputs.js';
import { confirm, hex, renderVectorFile, seedBytes, type VectorBase } from './vector-file.js';

export const VERIFIER_INPUTS_FORMAT = 'hemkit-verifier-inputs/v1';

interface InputVector extends VectorBase {
  readonly kind: 'trust-anchors' | 'reference-values' | 'policy';
  /** The configuration as JSON. */
  readonly input: unknown;
  /** For valid policies: the policy in effect, every default filled in. */
  readonly effective?: Policy;
}

export function parseInput(kind: InputVector['kind'], input: unknown): unknown {
  return kind === 'trust-anchors' ? parseTrustAnchors(input) : kind === 'reference-values' ? parseReferenceValues(input) : parsePolicy(input);
}

const keyHex = (label: string) => hex(encode(encodeCoseKey(signingKey(-8, seedBytes(label)).publicKey)));
const MANUFACTURER = keyHex('inputs manufacturer');
const ISSUERS = [keyHex('inputs issuer 0'), keyHex('inputs issuer 1'), keyHex('inputs issuer 2')];
const MEASUREMENT = hex(seedBytes('inputs firmware v1'));

const TRUST = { manufacturers: [{ name: 'hemkit-sim-fab', key: MANUFACTURER }], licenceIssuers: { keys: ISSUERS, threshold: 2 } };
const OEMID = hex(seedBytes('inputs oemid').subarray(0, 16));
const REFERENCE = { models: [{ oemid: OEMID, hwmodel: 'hemkit-sim-a1', minimumSvn: 1, peakOpsPerSecond: '1000000000000000', firmware: [{ measurement: MEASUREMENT, svn: 1, name: 'factory v1' }] }] };

function cases(): InputVector[] {
  const ok = (kind: InputVector['kind'], id: string, description: string, input: unknown): InputVector => ({ id, description, kind, input, result: 'valid' });
  const bad = (kind: InputVector['kind'], id: string, description: string, input: unknown): InputVector => ({ id, description, kind, input, result: 'invalid', code: 'VERIFIER_INPUT_INVALID' });
  return [
    ok('trust-anchors', 'trust-anchors-minimal', 'one manufacturer, a 2-of-3 issuer set, no revocations', TRUST),
    ok('trust-anchors', 'trust-anchors-with-revocations', 'with a revoked UEID and a revoked key id', { ...TRUST, revoked: { ueids: [`01${'ee'.repeat(16)}`], keyIds: ['ab'.repeat(32)] } }),
    bad('trust-anchors', 'trust-anchors-no-manufacturer', 'an empty manufacturer list', { ...TRUST, manufacturers: [] }),
    bad('trust-anchors', 'trust-anchors-threshold-above-issuers', 'a threshold of 4 with 3 issuers', { ...TRUST, licenceIssuers: { keys: ISSUERS, threshold: 4 } }),
    bad('trust-anchors', 'trust-anchors-threshold-zero', 'a threshold of 0', { ...TRUST, licenceIssuers: { keys: ISSUERS, threshold: 0 } }),
    bad('trust-anchors', 'trust-anchors-key-not-cose', 'a manufacturer key that is not a COSE_Key', { ...TRUST, manufacturers: [{ name: 'fab', key: hex(encode([1, 2])) }] }),
    bad('trust-anchors', 'trust-anchors-key-uppercase-hex', 'a key in uppercase hex', { ...TRUST, manufacturers: [{ name: 'fab', key: MANUFACTURER.toUpperCase() }] }),
    bad('trust-anchors', 'trust-anchors-unknown-member', 'a member the schema does not define (a typo must not pass silently)', { ...TRUST, licenceIssuer: TRUST.licenceIssuers }),
    ok('reference-values', 'reference-values-minimal', 'one model, one known-good firmware', REFERENCE),
    ok('reference-values', 'reference-values-two-firmwares', 'two firmware versions, the name optional', { models: [{ ...REFERENCE.models[0], firmware: [...REFERENCE.models[0]!.firmware, { measurement: hex(seedBytes('inputs firmware v2')), svn: 2 }] }] }),
    bad('reference-values', 'reference-values-no-models', 'an empty model list', { models: [] }),
    bad('reference-values', 'reference-values-short-measurement', 'a measurement of 31 bytes', { models: [{ ...REFERENCE.models[0], firmware: [{ measurement: MEASUREMENT.slice(2), svn: 1 }] }] }),
    bad('reference-values', 'reference-values-negative-svn', 'a minimum SVN of -1', { models: [{ ...REFERENCE.models[0], minimumSvn: -1 }] }),
    ok('reference-values', 'reference-values-peak-as-number', 'the peak rate as a JSON integer (at most 2^53-1)', { models: [{ ...REFERENCE.models[0], peakOpsPerSecond: 1_000_000_000_000_000 }] }),
    bad('reference-values', 'reference-values-no-peak', 'no peak rate: usage could not be timed against the verifier clock', { models: [{ oemid: OEMID, hwmodel: 'hemkit-sim-a1', minimumSvn: 1, firmware: REFERENCE.models[0]!.firmware }] }),
    bad('reference-values', 'reference-values-no-oemid', 'a model without its OEM id: a hardware model name means nothing alone (RFC 9711 §4.2.4)', { models: [(({ oemid: _o, ...rest }) => rest)(REFERENCE.models[0]!)] }),
    bad('reference-values', 'reference-values-oemid-ieee-oui', 'an OEM id of 3 bytes, the IEEE OUI form, which the profile does not use', { models: [{ ...REFERENCE.models[0]!, oemid: '0050c2' }] }),
    bad('reference-values', 'reference-values-peak-zero', 'a peak rate of "0"', { models: [{ ...REFERENCE.models[0], peakOpsPerSecond: '0' }] }),
    bad('reference-values', 'reference-values-peak-float', 'a peak rate of 1e15 as a JSON float', { models: [{ ...REFERENCE.models[0], peakOpsPerSecond: 1.5 }] }),
    ok('policy', 'policy-empty', 'an empty policy: every default', {}),
    ok('policy', 'policy-full', 'every member given', { requireNonce: false, maxAgeSeconds: 60, clockSkewSeconds: 5, requireDebugDisabled: false, requireLogCoverage: true, policyId: 'site/strict' }),
    ok('policy', 'policy-licence-rules', 'the licence rules of a chip with no clock that carries unused quota (verifier.md §5.1)', { licenceRules: { clock: false, unusedQuota: 'carry' } }),
    bad('policy', 'policy-licence-rules-unknown', 'an unused-quota rule that does not exist', { licenceRules: { unusedQuota: 'keep' } }),
    bad('policy', 'policy-coverage-off', 'requireLogCoverage false: counters no entries cover are never affirmed', { requireLogCoverage: false }),
    bad('policy', 'policy-negative-age', 'a maximum age of -1 seconds', { maxAgeSeconds: -1 }),
    bad('policy', 'policy-nonce-as-text', 'requireNonce as the text "yes"', { requireNonce: 'yes' }),
    bad('policy', 'policy-unknown-member', 'a misspelt member', { requireNonces: true }),
    bad('policy', 'policy-not-an-object', 'a policy that is an array', []),
  ];
}

export function generateVerifierInputVectors(): Map<string, string> {
  const vectors = cases().map((v) => {
    let parsed: unknown;
    confirm(`verifier input vector ${v.id}`, v, () => (parsed = parseInput(v.kind, v.input)));
    return v.kind === 'policy' && v.result === 'valid' ? { ...v, effective: parsed as Policy } : v;
  });
  const text = renderVectorFile(
    {
      format: VERIFIER_INPUTS_FORMAT,
      generator: 'npm run vectors (scripts/vectors/verifier-inputs.ts)',
      description: 'The verifier\'s trust anchors, reference values and policy (specs/verifier.md §3): what parses, and what is refused',
    },
    vectors,
  );
  return new Map([['verifier/inputs.json', text]]);
}
