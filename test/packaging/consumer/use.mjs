// A program outside the monorepo, run with plain node (no tsx, no custom conditions) in a fresh
// project that installed the packed tarballs. It uses every package and every public entry point,
// and prints one JSON line of what it saw; the packaging test checks that line.
//
//   node use.mjs <test-vectors dir> <dir holding the packages' api.md files>
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [vectors, apiDir] = process.argv.slice(2);
const load = (path) => JSON.parse(readFileSync(join(vectors, path), 'utf8'));
const require = createRequire(import.meta.url);
const nativeLoaded = () => Object.keys(require.cache).some((k) => k.includes('better-sqlite3'));
const out = {};

// The memory store first: importing it must not load the native SQLite addon.
const store = await import('@hemkit/verifier/store');
out.memoryStoreLoadsSqlite = nativeLoaded();

// @hemkit/wire: CBOR, COSE, Merkle, bytes, both crypto backends.
const { decode, encode } = await import('@hemkit/wire/cbor');
const { fromHex, toHex, bytesEqual } = await import('@hemkit/wire/bytes');
const { decodeCoseKey, verifySign1 } = await import('@hemkit/wire/cose');
const { getBackend } = await import('@hemkit/wire/crypto');
const node = await import('@hemkit/wire/crypto/node');
const { createNodeBackend, createNodeMerkleHasher } = node;
const { createMerkleHasher, verifyInclusion } = await import('@hemkit/wire/merkle');

const value = new Map([[1, 'hemkit'], [2, [1n, new Uint8Array([0xde, 0xad])]]]);
const bytes = encode(value);
out.cborRoundTrip = bytesEqual(encode(decode(bytes)), bytes);
out.cborHex = toHex(encode([1, 'a']));

const sign1 = load('cose/sign1.json');
const v = sign1.vectors.find((x) => x.result === 'valid' && x.externalAad === undefined && x.detachedPayload === undefined);
const key = decodeCoseKey(decode(fromHex(sign1.keys[v.key].coseKey)));
out.cose = {};
for (const backend of [getBackend('noble'), createNodeBackend()]) {
  out.cose[backend.name] = toHex(verifySign1(fromHex(v.input), key, { backend }).payload) === v.payload;
}

const proofs = load('merkle/proofs.json');
const p = proofs.vectors.find((x) => x.kind === 'inclusion' && x.result === 'valid' && x.proof.length > 1);
out.merkle = {};
for (const [name, hasher] of [['noble', createMerkleHasher(getBackend('noble').sha256)], ['node', createNodeMerkleHasher()]]) {
  verifyInclusion(hasher, p.leafIndex, p.treeSize, fromHex(p.leafHash), p.proof.map(fromHex), fromHex(p.root));
  out.merkle[name] = true;
}

// @hemkit/verifier: appraise the honest evidence vectors, in order, against one memory.
const { appraise, parsePolicy, parseReferenceValues, parseTrustAnchors } = await import('@hemkit/verifier');
const evidence = load('evidence/evidence-honest.json');
const backend = node.getBackend('node');
const inputs = {
  trust: parseTrustAnchors(evidence.trust),
  reference: parseReferenceValues(evidence.reference),
  policy: parsePolicy(evidence.policy),
  backend,
  hasher: createMerkleHasher((d) => backend.sha256(d)),
  store: new store.MemoryVerifierStore(),
};
out.appraisals = evidence.vectors.map((e) => {
  const a = appraise(fromHex(e.bundle), { ...inputs, now: Number(e.now), ...(e.nonce === null ? {} : { expectedNonce: fromHex(e.nonce) }) });
  return a.status === e.expected.status;
});
const { accountFleet } = await import('@hemkit/verifier/accounting');
out.accounting = typeof accountFleet === 'function';

// @hemkit/module: replay a module session vector's first commands through a fresh in-process chip.
const { InProcessChip, seededRandom } = await import('@hemkit/module');
const { ReferenceLog } = await import('@hemkit/module/log');
const session = load('module/session-lifecycle.json').vector;
let time = session.setup.startTime;
const chip = new InProcessChip({ log: new ReferenceLog(), now: () => time, random: seededRandom(session.setup.randomSeed) });
out.module = session.steps.slice(0, 3).map((step) => {
  time = step.time;
  return toHex(chip.sendBytes(fromHex(step.request))) === step.response;
});

// @hemkit/cddl: a schema checks a CBOR item.
const { parseCddl, checkCbor } = await import('@hemkit/cddl');
const schema = parseCddl('pair = [uint, tstr]');
out.cddl = [checkCbor(schema, encode([1, 'a'])).ok, checkCbor(schema, encode(['a', 1])).ok];

// Every entry point of every package loads, and exports at run time the values its api.md lists.
out.entries = {};
for (const pkg of ['wire', 'module', 'verifier', 'cddl', 'cli']) {
  const report = readFileSync(join(apiDir, pkg, 'api.md'), 'utf8');
  for (const section of report.split('\n## ').slice(1)) {
    const [specifier, ...lines] = section.split('\n');
    if (specifier === 'bin') continue;
    const expected = lines
      .map((l) => /^- `(\w+)`: (class|function|const|enum|namespace)$/.exec(l))
      .filter(Boolean)
      .map((m) => m[1])
      .sort();
    const actual = Object.keys(await import(specifier)).sort();
    out.entries[specifier] = JSON.stringify(actual) === JSON.stringify(expected) ? 'ok' : { expected, actual };
  }
}
out.sqliteNotLoadedUntilOpened = !nativeLoaded();

console.log(JSON.stringify(out));
