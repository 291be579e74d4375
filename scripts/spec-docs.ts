/**
 * Fills the byte-quoting parts of specs/examples.md and specs/implementers-guide.md from the vector
 * files, so that those documents cannot drift from the vectors: test/spec/spec-docs.test.ts
 * regenerates them and fails on any difference. `npm run vectors` runs this script after the vector
 * generator (scripts/spec-docs-vectors.ts), so `npm run vectors -- --check` checks both; it can also
 * be run alone:
 *
 *   npm run spec-docs                  # write
 *   npm run spec-docs -- --check       # write nothing; exit 1 if a document would change
 *
 * The prose stays hand-written. A generated part is a region between two HTML comments, invisible
 * once rendered:
 *
 *   inline:  the kid <!-- gen:name -->`9bc0…e435`<!-- /gen --> names …
 *   block:   <!-- gen:name -->
 *            ```
 *            …
 *            ```
 *            <!-- /gen -->
 *
 * Everything between the two comments is replaced by the value this script computes for `name` (a
 * value with a line break is a block and sits on lines of its own). A region whose name this script
 * does not know, and a value no region uses, are errors, so renaming either side is caught.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '../packages/wire/src/bytes.js';
import { decode, encode, toDiagnostic, type CborMap, type CborValue } from '../packages/wire/src/cbor/index.js';
import { decodeCoseKey, decodeSign, decodeSign1, verifySign1, verifySignature, type CoseSign, type CoseSign1 } from '../packages/wire/src/cose/index.js';

const REPO = join(import.meta.dirname, '..');
const VECTORS = join(REPO, 'test-vectors');

/** The documents this script fills, by path relative to the repository. */
export const DOCUMENTS = {
  'specs/examples.md': examplesValues,
  'specs/implementers-guide.md': guideValues,
} as const;

type Values = Map<string, string>;

// ---------------------------------------------------------------------------------------------------
// Helpers

const readJson = (rel: string): Record<string, unknown> => JSON.parse(readFileSync(join(VECTORS, rel), 'utf8')) as Record<string, unknown>;
const fromHex = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));
const sha256 = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(createHash('sha256').update(Buffer.concat(parts)).digest());
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const diag = (value: CborValue): string => toDiagnostic(value);
const diagOf = (bytes: Uint8Array): string => diag(decode(bytes));
const code = (text: string): string => `\`${text}\``;
const fence = (text: string): string => `\`\`\`\n${text}\n\`\`\``;
/** Hex in lines of 96 digits (48 bytes), as the documents quote long byte strings. */
const wrap = (hex: string): string => hex.match(/.{1,96}/g)!.join('\n');
/** The short form the prose uses for a hash it has quoted in full elsewhere: first and last 2 bytes. */
const abbr = (hex: string): string => `${hex.slice(0, 4)}…${hex.slice(-4)}`;
/** The CBOR head of a byte string of `length` bytes, spaced as the guide writes it (`58 26`). */
function bstrHead(length: number): string {
  const head = toHex(encode(new Uint8Array(length))).slice(0, -2 * length || undefined);
  return head.match(/../g)!.join(' ');
}
function get(map: CborValue, key: number): CborValue {
  if (!(map instanceof Map)) throw new Error(`not a map (looking for key ${key})`);
  const value = (map as CborMap).get(key);
  if (value === undefined) throw new Error(`key ${key} is absent`);
  return value;
}
const bytesAt = (map: CborValue, key: number): Uint8Array => {
  const v = get(map, key);
  if (!(v instanceof Uint8Array)) throw new Error(`key ${key} is not a byte string`);
  return v;
};
/** The RFC 9679 thumbprint of a decoded Ed25519/EC2 COSE_Key holding only its required parameters. */
const thumbprint = (key: CborValue): Uint8Array => sha256(encode(key));
/** `["Signature1", protected, h'', payload]`, encoded. */
const sigStructure1 = (m: CoseSign1, payload?: Uint8Array): Uint8Array => encode(['Signature1', m.protectedBytes, new Uint8Array(0), payload ?? m.payload!]);

/** A COSE_Sign1 in diagnostic notation, each `bstr .cbor` shown as `<< … >>`. */
function sign1Diagnostic(bytes: Uint8Array): string {
  const m = decodeSign1(bytes);
  return [
    '18([',
    `  / protected /   << ${diagOf(m.protectedBytes)} >>,`,
    `  / unprotected / ${diag(m.unprotectedHeaders)},`,
    `  / payload /     ${m.payload === null ? 'nil' : `<< ${diagOf(m.payload)} >>`},`,
    `  / signature /   h'${toHex(m.signature)}'`,
    '])',
  ].join('\n');
}

/** A COSE_Sign in diagnostic notation, the body's and each signer's protected bucket decoded. */
function signDiagnostic(bytes: Uint8Array): string {
  const m = decodeSign(bytes);
  const prot = (b: Uint8Array) => (b.length === 0 ? "h''" : `<< ${diagOf(b)} >>`);
  return [
    '98([',
    `  / protected /   ${prot(m.protectedBytes)},`,
    `  / unprotected / ${diag(m.unprotectedHeaders)},`,
    `  / payload /     << ${diagOf(m.payload!)} >>,`,
    '  / signatures /  [',
    ...m.signatures.map((s) => `    [${prot(s.protectedBytes)}, ${diag(s.unprotectedHeaders)}, h'${toHex(s.signature)}'],`),
    '  ]',
    '])',
  ].join('\n');
}

/**
 * The bytes each signature of a message covers (cose.md §5), in diagnostic notation: every byte
 * string in it is a piece of the message (or, for a receipt, the root it signs), so a reader can
 * rebuild the Sig_structure from the message alone. External AAD is empty throughout.
 */
function sigStructureDiagnostic(bytes: Uint8Array, detached?: Uint8Array): string {
  if (toHex(bytes.subarray(0, 1)) === 'd8') {
    const m = decodeSign(bytes);
    return m.signatures.map((sig) => diag(['Signature', m.protectedBytes, sig.protectedBytes, new Uint8Array(0), m.payload!])).join('\n');
  }
  const m = decodeSign1(bytes);
  return diag(['Signature1', m.protectedBytes, new Uint8Array(0), detached ?? m.payload!]);
}

/** Adds `name` → `value`, refusing a name given twice with different values. */
function put(values: Values, name: string, value: string | number): void {
  const text = String(value);
  const old = values.get(name);
  if (old !== undefined && old !== text) throw new Error(`${name} is computed twice with different values`);
  values.set(name, text);
}

// ---------------------------------------------------------------------------------------------------
// specs/examples.md: one message of each signed family, from the module-session vectors

interface Step {
  command: string;
  expect: string;
  request: string;
  response: string;
}
function steps(session: string): Step[] {
  return ((readJson(`module/session-${session}.json`).vector as { steps: Step[] }).steps);
}
const params = (s: Step): CborValue => get(decode(fromHex(s.request)), 3);
const result = (s: Step): CborValue => get(decode(fromHex(s.response)), 5);
const first = (session: string, command: string, ok = false): Step => {
  const found = steps(session).find((s) => s.command === command && (!ok || s.expect === 'ok'));
  if (found === undefined) throw new Error(`session-${session} has no ${ok ? 'successful ' : ''}${command} step`);
  return found;
};

/** Whether a COSE_Sign1 verifies under a COSE_Key given in hex (with a detached payload, if any). */
function verifies(bytes: Uint8Array, keyHex: string, detachedPayload?: Uint8Array): boolean {
  try {
    verifySign1(bytes, decodeCoseKey(decode(fromHex(keyHex))), detachedPayload ? { detachedPayload } : {});
    return true;
  } catch {
    return false;
  }
}

function examplesValues(): Values {
  const values: Values = new Map();
  const detachedOf = new Map<string, Uint8Array>();
  const detachedFor = (bytes: Uint8Array) => detachedOf.get(toHex(bytes));
  const message = (name: string, bytes: Uint8Array, cose: 'sign1' | 'sign', detached?: Uint8Array) => {
    put(values, `${name}.size`, bytes.length);
    put(values, `${name}.tbs`, fence(sigStructureDiagnostic(bytes, detached)));
    put(values, `${name}.hex`, fence(wrap(toHex(bytes))));
    put(values, `${name}.diagnostic`, fence(cose === 'sign1' ? sign1Diagnostic(bytes) : signDiagnostic(bytes)));
  };
  /** The attestation key of a session, from the attestation-key certificate of its provision response. */
  const attestationKey = (session: string) => {
    const certificate = bytesAt(result(first(session, 'provision')), 1);
    const key = get(get(decode(decodeSign1(certificate).payload!), 8), 1);
    return { key: toHex(encode(key)), kid: toHex(thumbprint(key)) };
  };
  const signedBy = (name: string, bytes: Uint8Array, key: { key: string; kid: string }) => {
    const kid = decodeSign1(bytes).kid;
    if (kid === undefined || toHex(kid) !== key.kid) throw new Error(`${name}: the kid is not the signer's`);
    if (!verifies(bytes, key.key, detachedFor(bytes))) throw new Error(`${name}: the signature does not verify`);
    put(values, `${name}.key`, code(key.key));
    put(values, `${name}.kid`, code(key.kid));
  };

  const lifecycleKey = attestationKey('lifecycle');
  const checkpoint = result(first('lifecycle', 'checkpoint'));
  message('checkpoint', bytesAt(checkpoint, 1), 'sign1');
  signedBy('checkpoint', bytesAt(checkpoint, 1), lifecycleKey);
  put(values, 'checkpoint.note', fence(String(get(checkpoint, 2)).replace(/\n$/, '')));
  // The log-key certificate that comes with the note, signed by the device identity key (checkpoint.md §2.1).
  const logKeyCertificate = bytesAt(checkpoint, 3);
  const deviceKey = get(result(first('lifecycle', 'manufacture')), 2);
  message('log-key-certificate', logKeyCertificate, 'sign1');
  signedBy('log-key-certificate', logKeyCertificate, { key: toHex(encode(deviceKey)), kid: toHex(thumbprint(deviceKey)) });

  // A receipt's payload is detached: the root of one of the session's checkpoints, the one it verifies with.
  const roots = steps('lifecycle')
    .filter((s) => s.command === 'checkpoint')
    .map((s) => bytesAt(decode(decodeSign1(bytesAt(result(s), 1)).payload!), -72006));
  for (const [name, command] of [['inclusion', 'proveInclusion'], ['consistency', 'proveConsistency'], ['report', 'attest']] as const) {
    const bytes = bytesAt(result(first('lifecycle', command)), 1);
    const detached = name === 'report' ? undefined : roots.find((root) => verifies(bytes, lifecycleKey.key, root));
    if (name !== 'report' && detached === undefined) throw new Error(`${name}: no checkpoint root verifies the receipt`);
    if (detached) detachedOf.set(toHex(bytes), detached);
    message(name, bytes, 'sign1', detached);
    signedBy(name, bytes, lifecycleKey);
  }

  const challengeKey = attestationKey('replay-challenge');
  const request = bytesAt(result(first('replay-challenge', 'requestLicence')), 1);
  message('licence-request', request, 'sign1');
  if (!verifies(request, challengeKey.key)) throw new Error('licence request: the signature does not verify');

  // The authority's statements: the issuers are the provision request's params, key 2.
  const issuers = (get(params(first('licence-refusals', 'provision')), 2) as CborValue[]).map((key) => ({ key: toHex(encode(key)), kid: toHex(thumbprint(key)) }));
  issuers.forEach((issuer, i) => {
    put(values, `issuer${i + 1}.key`, code(issuer.key));
    put(values, `issuer${i + 1}.kid`, code(issuer.kid));
  });
  for (const [name, command] of [['revocation', 'applyRevocation'], ['licence', 'installLicence']] as const) {
    const bytes = bytesAt(params(first('licence-refusals', command, true)), 1);
    message(name, bytes, 'sign');
    const m = decodeSign(bytes);
    m.signatures.forEach((sig, i) => {
      const issuer = issuers.find((k) => k.kid === toHex(sig.kid!));
      if (issuer === undefined) throw new Error(`${name}: signature ${i} is by no provisioned issuer`);
      verifySignature(m, i, decodeCoseKey(decode(fromHex(issuer.key))));
    });
  }

  // An issuer-set update (licence.md §5a): the first one the issuer-rotation session's chip accepted,
  // signed by two of the same provisioned issuers.
  const update = bytesAt(params(first('issuer-rotation', 'updateIssuers', true)), 1);
  message('issuer-set-update', update, 'sign');
  const u = decodeSign(update);
  u.signatures.forEach((sig, i) => {
    const issuer = issuers.find((k) => k.kid === toHex(sig.kid!));
    if (issuer === undefined) throw new Error(`issuer-set update: signature ${i} is by no provisioned issuer`);
    verifySignature(u, i, decodeCoseKey(decode(fromHex(issuer.key))));
  });

  const manufacturer = get(params(first('firmware', 'provision')), 6);
  const manifest = bytesAt(params(first('firmware', 'firmwareUpdate')), 1);
  message('manifest', manifest, 'sign1');
  signedBy('manifest', manifest, { key: toHex(encode(manufacturer)), kid: toHex(thumbprint(manufacturer)) });

  const deviceCertificate = bytesAt(params(first('lifecycle', 'provision')), 1);
  message('device-certificate', deviceCertificate, 'sign1');
  if (!verifies(deviceCertificate, toHex(encode(get(params(first('lifecycle', 'provision')), 6))))) throw new Error('device certificate: bad signature');
  const akCertificate = bytesAt(result(first('lifecycle', 'provision')), 1);
  message('ak-certificate', akCertificate, 'sign1');
  if (!verifies(akCertificate, toHex(encode(get(get(decode(decodeSign1(deviceCertificate).payload!), 8), 1))))) throw new Error('attestation-key certificate: bad signature');

  // The verifier's signed attestation result, from the result vectors.
  const results = readJson('verifier/attestation-results.json') as { verifierKey: { coseKey: string }; vectors: { id: string; signed?: string }[] };
  const resultVector = results.vectors.find((v) => v.id === 'contraindicated-with-audience');
  if (resultVector?.signed === undefined) throw new Error('attestation-results.json has no valid vector contraindicated-with-audience');
  const resultBytes = fromHex(resultVector.signed);
  message('result', resultBytes, 'sign1');
  signedBy('result', resultBytes, { key: results.verifierKey.coseKey, kid: toHex(thumbprint(decode(fromHex(results.verifierKey.coseKey)))) });
  return values;
}

// ---------------------------------------------------------------------------------------------------
// specs/implementers-guide.md: the first vector of evidence-honest, check by check

function guideValues(): Values {
  const values: Values = new Map();
  const file = readJson('evidence/evidence-honest.json') as {
    trust: { manufacturers: { key: string }[] };
    reference: { models: { firmware: { measurement: string }[] }[] };
    vectors: { nonce: string; bundle: string; expected: Record<string, unknown> }[];
  };
  const vector = file.vectors[0]!;
  const bundleBytes = fromHex(vector.bundle);
  const bundle = decode(bundleBytes);

  // §0 inputs
  const anchor = file.trust.manufacturers[0]!.key;
  put(values, 'anchor.key', code(`"key": "${anchor}"`));
  const measurement = file.reference.models[0]!.firmware[0]!.measurement;
  put(values, 'measurement', code(measurement));
  put(values, 'measurement.abbr', code(abbr(measurement)));
  put(values, 'nonce', code(vector.nonce));
  put(values, 'bundle.size', bundleBytes.length);
  put(values, 'bundle.hex', fence(wrap(vector.bundle)));

  // §1 encoding
  const deviceBytes = bytesAt(bundle, 2);
  const akBytes = bytesAt(bundle, 3);
  const reportBytes = bytesAt(bundle, 1);
  const licenceBytes = (get(bundle, 7) as Uint8Array[])[0]!;
  const device = decodeSign1(deviceBytes);
  const ak = decodeSign1(akBytes);
  const report = decodeSign1(reportBytes);
  const licence: CoseSign = decodeSign(licenceBytes);
  const typOf = (headers: ReadonlyMap<CborValue, CborValue>) => String(headers.get(16));
  put(values, 'typ.table', [
    '| member | protected header (typ is label 16) |',
    '| --- | --- |',
    `| report (key 1) | ${code(diagOf(report.protectedBytes))} |`,
    `| device certificate (key 2) | ${code(diagOf(device.protectedBytes))} |`,
    `| attestation-key certificate (key 3) | ${code(diagOf(ak.protectedBytes))} |`,
    `| licence (key 7), body | ${code(diagOf(licence.protectedBytes))} |`,
  ].join('\n'));
  put(values, 'report.typ', code(JSON.stringify(typOf(report.protectedHeaders))));
  put(values, 'device.size', deviceBytes.length);
  put(values, 'device.hex', fence(wrap(toHex(deviceBytes))));
  put(values, 'device.protected.head', code(bstrHead(device.protectedBytes.length)));
  put(values, 'device.protected.length', device.protectedBytes.length);
  put(values, 'device.protected.hex', code(toHex(device.protectedBytes)));
  const rootKid = toHex(device.kid!);
  put(values, 'device.protected.diag', code(`{1: -8, 4: h'${abbr(rootKid)}', 16: ${JSON.stringify(typOf(device.protectedHeaders))}}`));
  put(values, 'device.payload.head', code(bstrHead(device.payload!.length)));
  put(values, 'device.payload.length', device.payload!.length);
  put(values, 'device.payload.diag', fence(diagOf(device.payload!)));
  put(values, 'ak.payload.diag', fence(diagOf(ak.payload!)));
  put(values, 'report.size', reportBytes.length);
  put(values, 'report.payload.diag', fence(diagOf(report.payload!)));
  put(values, 'licence.diag', fence(diag(decode(licenceBytes, { allowedTags: new Set([98]) }) as CborValue)));
  put(values, 'licence.protected.hex', code(toHex(licence.protectedBytes)));

  // §2 certificate chain
  const anchorKid = toHex(sha256(fromHex(anchor)));
  if (anchorKid !== rootKid) throw new Error('the device certificate is not signed by the trust anchor');
  put(values, 'anchor.thumbprint', fence(`SHA-256(${anchor})\n  = ${anchorKid}`));
  put(values, 'root.kid.abbr', code(abbr(rootKid)));
  const deviceSig = sigStructure1(device);
  put(values, 'device.sigstructure.layout', code(`84 6a 5369676e617475726531 ${bstrHead(device.protectedBytes.length)} <protected> 40 ${bstrHead(device.payload!.length)} <payload>`));
  put(values, 'device.sigstructure.size', deviceSig.length);
  put(values, 'device.signature', fence(toHex(device.signature)));
  const deviceKey = get(get(decode(device.payload!), 8), 1);
  if (toHex(thumbprint(deviceKey)) !== toHex(ak.kid!)) throw new Error('the attestation-key certificate is not signed by the device key');
  put(values, 'ak.kid.abbr', code(abbr(toHex(ak.kid!))));
  put(values, 'ak.signature', fence(toHex(ak.signature)));
  put(values, 'ak.sigstructure.size', sigStructure1(ak).length);
  const ueid = toHex(bytesAt(decode(device.payload!), 256));
  put(values, 'ueid', code(ueid));

  // §3 report signature
  put(values, 'report.kid.abbr', code(abbr(toHex(report.kid!))));
  put(values, 'report.sigstructure', fence(wrap(toHex(sigStructure1(report)))));
  put(values, 'report.signature', fence(toHex(report.signature)));

  // §4–9
  const claims = decode(report.payload!);
  put(values, 'oemid', code(toHex(bytesAt(claims, 258))));
  put(values, 'hwmodel', code(toHex(bytesAt(claims, 259))));

  // §10–11: entries, leaves, tree, receipts
  const entries = get(bundle, 6) as CborValue[];
  const entryBytes = entries.map((e) => bytesAt(e, 1));
  const leaves = entryBytes.map((e) => sha256(new Uint8Array([0]), e));
  const node = (l: Uint8Array, r: Uint8Array) => sha256(new Uint8Array([1]), l, r);
  if (leaves.length !== 4) throw new Error('the guide walks a tree of four entries');
  const n01 = node(leaves[0]!, leaves[1]!);
  const n23 = node(leaves[2]!, leaves[3]!);
  const root = node(n01, n23);
  const head = get(claims, -72002);
  if (toHex(bytesAt(head, 2)) !== toHex(root)) throw new Error("the recomputed root is not the report's");
  put(values, 'root', code(toHex(root)));
  put(values, 'root.abbr', code(abbr(toHex(root))));
  put(values, 'entries.table', [
    '| index | entry (hex) | decoded | leaf hash |',
    '| --- | --- | --- | --- |',
    ...entryBytes.map((e, i) => `| ${i} | ${code(toHex(e))} | ${code(diagOf(e))} | ${code(toHex(leaves[i]!))} |`),
  ].join('\n'));
  const receipt0 = bytesAt(entries[0]!, 2);
  put(values, 'receipt0.hex', fence(wrap(toHex(receipt0))));
  const [leaf0, leaf1, leaf2, leaf3] = leaves.map((l) => abbr(toHex(l)));
  put(values, 'leaf1.abbr', code(leaf1!));
  put(values, 'n23.abbr', code(abbr(toHex(n23))));
  put(values, 'tree', fence([
    `node(0,1) = SHA-256(01 ‖ ${leaf0} ‖ ${leaf1}) = ${toHex(n01)}`,
    `node(2,3) = SHA-256(01 ‖ ${leaf2} ‖ ${leaf3}) = ${toHex(n23)}`,
    `root      = SHA-256(01 ‖ node(0,1) ‖ node(2,3)) = ${toHex(root)}`,
  ].join('\n')));
  put(values, 'receipt0.sigstructure', fence(toHex(sigStructure1(decodeSign1(receipt0), root))));

  // §12 openings
  const opening = get(entries[3]!, 3);
  const salt = bytesAt(opening, 2);
  const descriptor = bytesAt(opening, 3);
  put(values, 'salt', code(toHex(salt)));
  put(values, 'descriptor', code(toHex(descriptor)));
  const commitment = sha256(utf8('hemkit/v1/workload-commitment'), new Uint8Array([0]), salt, descriptor);
  put(values, 'commitment', fence(`SHA-256("hemkit/v1/workload-commitment" ‖ 00 ‖ salt ‖ descriptor)\n  = ${toHex(commitment)}`));

  // §13 counters: the operations of the workload-finished entry, as encoded
  const finished = get(decode(entryBytes[3]!), 5);
  const operations = toHex(encode(get(finished, 8)));
  put(values, 'operations', code(`${operations.slice(0, 2)} ${operations.slice(2, 4)} ${operations.slice(4)}`));

  // §14 licence
  const licenceClaims = decode(licence.payload!);
  const licenceHash = toHex(sha256(licence.payload!));
  const installed = get(decode(entryBytes[1]!), 5);
  if (toHex(bytesAt(installed, 2)) !== licenceHash) throw new Error('the log did not record this licence');
  const licenceId = toHex(bytesAt(licenceClaims, 7));
  put(values, 'licence.id', code(licenceId));
  put(values, 'licence.id.abbr', code(abbr(licenceId)));
  put(values, 'licence.hash.abbr', code(abbr(licenceHash)));
  const payloadHex = toHex(licence.payload!);
  put(values, 'licence.hash', fence(`SHA-256(${payloadHex.slice(0, 8)}…${payloadHex.slice(-6)}) = ${licenceHash}`));
  put(values, 'licence.kids', licence.signatures.map((s) => code(abbr(toHex(s.kid!)))).join(' and '));
  const quota = toHex(encode(get(licenceClaims, -72018)));
  // The result: the vector's expected outcome, as JSON with a space after each separator.
  const expected = JSON.stringify(vector.expected).replace(/("(?:[^"\\]|\\.)*")|([:,])/g, (m, str: string | undefined) => str ?? `${m} `);
  put(values, 'expected', fence(expected));
  put(values, 'quota', code(`${quota.slice(0, 2)} ${quota.slice(2, 4)} ${quota.slice(4)}`));
  return values;
}

// ---------------------------------------------------------------------------------------------------
// Filling the regions

const REGION = /<!-- gen:([\w.-]+) -->([\s\S]*?)<!-- \/gen -->/g;

/** `text` with every region refilled from `values`; throws on an unknown name or an unused value. */
export function fill(text: string, values: ReadonlyMap<string, string>, where = 'the document'): string {
  const used = new Set<string>();
  const out = text.replace(REGION, (_, name: string) => {
    const value = values.get(name);
    if (value === undefined) throw new Error(`${where}: region ${name} is not one the generator knows`);
    used.add(name);
    return `<!-- gen:${name} -->${value.includes('\n') ? `\n${value}\n` : value}<!-- /gen -->`;
  });
  const unused = [...values.keys()].filter((name) => !used.has(name));
  if (unused.length > 0) throw new Error(`${where}: no region for ${unused.join(', ')}`);
  return out;
}

/** The regions' names and contents, in document order. */
export function regions(text: string): { name: string; content: string }[] {
  return [...text.matchAll(REGION)].map((m) => ({ name: m[1]!, content: m[2]! }));
}

/** Each document this script owns, by path relative to the repository, as it should be. */
export function generatedDocs(read: (rel: string) => string = (rel) => readFileSync(join(REPO, rel), 'utf8')): Map<string, string> {
  const out = new Map<string, string>();
  for (const [rel, compute] of Object.entries(DOCUMENTS)) out.set(rel, fill(read(rel), compute(), rel));
  return out;
}

/** Writes the documents that differ (or, with `check`, only reports them); returns how many differ. */
export function writeDocs(check: boolean): number {
  let stale = 0;
  for (const [rel, text] of generatedDocs()) {
    if (readFileSync(join(REPO, rel), 'utf8') === text) continue;
    stale++;
    if (check) console.error(`${rel} is out of date: run npm run spec-docs`);
    else {
      writeFileSync(join(REPO, rel), text);
      console.log(`wrote ${rel}`);
    }
  }
  return stale;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  if (writeDocs(process.argv.includes('--check')) > 0 && process.argv.includes('--check')) process.exit(1);
}
