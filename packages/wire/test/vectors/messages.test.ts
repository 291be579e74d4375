/**
 * test-vectors/messages/*.json through the message schemas of the wire layer: every input decodes
 * strictly, then parses as its family (or fails with exactly the stated MESSAGE_* code); a valid
 * input decodes to the stated diagnostic and re-encodes, after parsing, to the same bytes.
 * (packages/cddl/test/wire-vectors.test.ts checks the same files against the CDDL.)
 */
import { describe, expect, it } from 'vitest';
import { decode, encode, toDiagnostic, type CborValue } from '../../src/cbor/index.js';
import {
  attestationKeyCertificateClaims,
  logKeyCertificateClaims,
  attestationReportClaims,
  checkpointClaims,
  logHead,
  counters,
  deviceCertificateClaims,
  encodeRequest,
  encodeResponse,
  evidenceBundle,
  firmwareManifestClaims,
  licenceClaims,
  licenceRequestClaims,
  licenceState,
  logEntry,
  logEntryOpening,
  parseRequest,
  parseResponse,
  revocationClaims,
  issuerSetUpdateClaims,
  workloadDescriptor,
  type LogEntry,
  type RecordType,
} from '../../src/messages/index.js';
import { byId, expected, fromHex, hex, loadVectors, outcome, vectorFilesIn, type Vector, type VectorFile } from './support.js';

interface MessageVector extends Vector {
  readonly input: string;
  readonly rule: string;
  readonly matchesRule: boolean;
  readonly diagnostic?: string;
  /** For inputs with several faults (specs/test-vectors.md §2.5); `embedded` ones are inside a `bstr .cbor`. */
  readonly faults?: readonly { readonly fault: string }[];
}
interface MessageFile extends VectorFile<MessageVector> {
  readonly family: string;
}

interface Codec {
  parse(value: CborValue): unknown;
  /** The CBOR of a parsed value, or undefined where parsing keeps no record of the form (absent params). */
  reencode(parsed: unknown, value: CborValue): CborValue | undefined;
}

const recordCodec = <T>(type: RecordType<T>): Codec => ({ parse: (v) => type.parse(v, type.name), reencode: (p) => type.toCbor(p as T) });

/** Every family of packages/wire/src/messages that has a vector file, by file name. */
const CODECS: Readonly<Record<string, Codec>> = {
  counters: recordCodec(counters),
  'licence-state': recordCodec(licenceState),
  'log-head': recordCodec(logHead),
  'device-certificate-claims': recordCodec(deviceCertificateClaims),
  'attestation-key-certificate-claims': recordCodec(attestationKeyCertificateClaims),
  'log-key-certificate-claims': recordCodec(logKeyCertificateClaims),
  'firmware-manifest-claims': recordCodec(firmwareManifestClaims),
  'licence-claims': recordCodec(licenceClaims),
  'licence-request-claims': recordCodec(licenceRequestClaims),
  'revocation-claims': recordCodec(revocationClaims),
  'issuer-set-update-claims': recordCodec(issuerSetUpdateClaims),
  'log-entry': { parse: (v) => logEntry.parse(v, 'log-entry'), reencode: (p) => logEntry.toCbor(p as LogEntry) },
  'log-entry-opening': recordCodec(logEntryOpening),
  'workload-descriptor': recordCodec(workloadDescriptor),
  'checkpoint-claims': recordCodec(checkpointClaims),
  'attestation-report-claims': recordCodec(attestationReportClaims),
  'evidence-bundle': recordCodec(evidenceBundle),
  'module-request': {
    parse: parseRequest,
    reencode: (p, v) => ((v as Map<number, CborValue>).has(3) ? encodeRequest(p as Parameters<typeof encodeRequest>[0]) : undefined),
  },
  'module-response': { parse: parseResponse, reencode: (p) => encodeResponse(p as Parameters<typeof encodeResponse>[0]) },
};

const files = vectorFilesIn('messages');

describe('message vector files', () => {
  it('cover every message family, one file each', () => {
    expect(files.map((f) => f.replace(/^messages\/|\.json$/g, '')).sort()).toEqual(Object.keys(CODECS).sort());
  });

  describe.each(files)('%s', (path) => {
    const file = loadVectors<MessageVector, MessageFile>(path, 'hemkit-message/v1');
    const codec = CODECS[file.family]!;

    it.each(byId(file.vectors))('%s', (_id, v) => {
      const value = decode(fromHex(v.input));
      let parsed: unknown;
      expect(outcome(() => (parsed = codec.parse(value)))).toBe(expected(v));
      if (v.result === 'valid') {
        // A valid message whose embedded message is faulty (layer 6) does not match: `.cbor` judges it.
        expect(v.matchesRule).toBe(!(v.faults !== undefined && v.faults.every((f) => f.fault === 'embedded')));
        expect(toDiagnostic(value)).toBe(v.diagnostic);
        const again = codec.reencode(parsed, value);
        if (again !== undefined) expect(hex(encode(again))).toBe(v.input);
      }
    });

    it('has positive vectors and a negative vector for each of MESSAGE_MISSING_FIELD, MESSAGE_UNKNOWN_FIELD, MESSAGE_INVALID_FIELD', () => {
      const outcomes = new Set(file.vectors.map(expected));
      for (const o of ['valid', 'MESSAGE_MISSING_FIELD', 'MESSAGE_UNKNOWN_FIELD', 'MESSAGE_INVALID_FIELD']) expect(outcomes, o).toContain(o);
    });
  });

  it('put counters at 2^32, 2^53, 2^64-1, 2^64 and 2^128-1 in valid vectors', () => {
    const diagnostics = files.flatMap((f) => loadVectors<MessageVector, MessageFile>(f, 'hemkit-message/v1').vectors.map((v) => v.diagnostic ?? '')).join('\n');
    for (const n of [2n ** 32n, 2n ** 53n, 2n ** 64n - 1n, 2n ** 64n, 2n ** 128n - 1n]) expect(diagnostics).toMatch(new RegExp(`\\b${n}\\b`));
  });
});
