/**
 * The inspector page: input at the left (paste, open, drop, or a project vector; a key or trust
 * file), and at the right what the bytes are, their strict-profile fault if any, the appraisal or
 * signature checks, the receipt walks, and the named tree beside the hex, linked both ways.
 * Everything runs here; the page's Content-Security-Policy forbids it any connection.
 */
import {
  appraiseBundle,
  checkConsistencyReceipts,
  checkSignatures,
  faultRange,
  inspect,
  parseKeys,
  parseSetup,
  parseSignedNote,
  PROFILE_FAULTS,
  SCHEMA_SPEC,
  readFile,
  readText,
  storeFromMemory,
  walkFrontier,
  walkReceipts,
  type Inspection,
  type NamedKey,
  type NamedNode,
  type ReadInput,
} from '@hemkit/inspector';
import { HemkitError, isHemkitError } from '@hemkit/wire/errors';
import { fromHex } from '@hemkit/wire/bytes';
import { byId, h, show } from './dom.js';
import { HexView } from './hex-view.js';
import { showAppraisal, showNote, showReceipts, showSignatures } from './results-view.js';
import { specLink } from './spec-link.js';
import { TreeView } from './tree-view.js';
import { pickedVector, setupVectorPicker, type Picked } from './vector-picker.js';

const input = byId<HTMLTextAreaElement>('input');
const keys = byId<HTMLTextAreaElement>('keys');
const now = byId<HTMLInputElement>('now');
const nonce = byId<HTMLInputElement>('nonce');
const error = byId('error');

const hex = new HexView(byId('hex'), (offset) => {
  const node = tree.nodeAt(offset);
  if (node !== undefined) select(node);
});
const tree = new TreeView(byId('tree'), (node) => select(node));

function select(node: NamedNode): void {
  tree.select(node);
  hex.select(node.item.start, node.item.end);
}

let picked: Picked | undefined;

function fail(message: string): void {
  error.textContent = message;
  error.hidden = false;
  for (const id of ['summary', 'fault', 'appraisal', 'signatures', 'receipts']) show(byId(id));
  byId('views').hidden = true;
}

/** The verifier's clock from the field: seconds, or an ISO date; empty is now. */
function clock(): number {
  const text = now.value.trim();
  if (text === '') return Math.floor(Date.now() / 1000);
  if (/^\d+$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new HemkitError('VERIFIER_INPUT_INVALID', `verifier clock: ${JSON.stringify(text)} is neither seconds since the epoch nor an ISO date`);
  return Math.floor(ms / 1000);
}

function run(read: ReadInput | undefined, rule?: string): void {
  error.hidden = true;
  if (read === undefined) return fail('Nothing to inspect: paste hex or base64, open a file, or choose a vector.');
  const inspection = inspect(read.bytes, rule);
  if (inspection.fault !== undefined && read.reading === 'text') {
    return fail(`Not a hemkit message: the text is neither hex nor base64, and its ${read.bytes.length} bytes are not CBOR (${inspection.fault.code}: ${inspection.fault.message}).`);
  }
  showSummary(inspection, read);
  showFault(inspection);
  showVerification(inspection);
  const range = faultRange(inspection);
  hex.render(read.bytes, range);
  if (inspection.tree !== undefined) tree.render(inspection.tree, read.bytes, inspection.family.title, range?.start);
  else show(byId('tree'), h('p', { class: 'note' }, `No structure to show: the bytes stop being well-formed CBOR at byte ${inspection.stop?.offset ?? 0} (${inspection.stop?.message ?? ''}).`));
  byId('named').textContent = inspection.described === undefined ? '(the profile rejects these bytes)' : JSON.stringify(inspection.described.tree, null, 2);
  byId('views').hidden = false;
  if (range !== undefined) hex.select(range.start, range.end);
}

function showSummary(i: Inspection, read: ReadInput): void {
  show(
    byId('summary'),
    h('p', {}, h('span', { id: 'family', class: 'family', 'data-family': i.family.id }, i.family.title), specLink(i.family.spec)),
    h('p', { class: 'note' }, `${read.bytes.length} bytes, read as ${read.reading}; ${i.fault === undefined ? 'deterministic CBOR of the profile' : 'rejected by the strict profile'}`),
    i.schema === undefined
      ? null
      : i.schema.valid
        ? h('p', { id: 'schema', class: 'pass' }, `✓ follows its schema, ${i.schema.schema}`, specLink(SCHEMA_SPEC))
        : h('p', { id: 'schema', class: 'fail' }, `✗ against ${i.schema.schema}: `, h('span', { id: 'schema-code', class: 'code' }, i.schema.code), ` ${i.schema.message}`, specLink(SCHEMA_SPEC)),
  );
}

function showFault(i: Inspection): void {
  if (i.fault === undefined) return show(byId('fault'));
  const range = faultRange(i);
  const jump = h('button', { type: 'button' }, 'show the bytes');
  jump.addEventListener('click', () => range && hex.select(range.start, range.end));
  show(
    byId('fault'),
    h('h2', {}, 'Strict-profile fault', specLink(PROFILE_FAULTS)),
    h('p', {}, h('span', { id: 'fault-code', class: 'code fail' }, i.fault.code), ` ${i.fault.message}`, i.fault.offset === undefined ? null : ` `, i.fault.offset === undefined ? null : jump),
  );
}

function showVerification(i: Inspection): void {
  for (const id of ['appraisal', 'signatures', 'receipts']) show(byId(id));
  if (i.fault !== undefined) return;
  const keyText = keys.value.trim();
  try {
    if (i.family.id === 'evidence-bundle') {
      showReceipts(byId('receipts'), walkReceipts(i.bytes), checkConsistencyReceipts(i.bytes), walkFrontier(i.bytes));
      if (keyText === '') return show(byId('appraisal'), h('h2', {}, 'Appraisal'), h('p', { class: 'note' }, 'Paste or drop a trust file (hemkit module export-trust) to appraise this bundle.'));
      const setup = parseSetup(keyText);
      const vector = pickedVector(picked, i.bytes);
      const started = performance.now();
      const store = vector?.store() ?? storeFromMemory(undefined);
      const n = vector?.now ?? clock();
      const nonceHex = vector ? vector.nonce : nonce.value.trim() === '' ? undefined : nonce.value.trim().toLowerCase();
      if (nonceHex !== undefined) fromHex(nonceHex);
      const appraisal = appraiseBundle({ bundle: i.bytes, setup: vector?.setup ?? setup, now: n, store, ...(nonceHex === undefined ? {} : { nonce: nonceHex }), ...(vector?.expectedUeid ? { expectedUeid: vector.expectedUeid } : {}) });
      showAppraisal(byId('appraisal'), appraisal, performance.now() - started, vector?.expected);
    } else if (i.family.signed && keyText !== '') {
      showSignatures(byId('signatures'), checkSignatures(i.bytes, parseKeys(keyText)));
    }
  } catch (e) {
    if (!isHemkitError(e) && !(e instanceof RangeError)) throw e;
    show(byId('appraisal'), h('h2', {}, 'Verification'), h('p', { class: 'fail', id: 'verify-error' }, isHemkitError(e) ? `${e.code}: ${e.message}` : `nonce: ${e.message}`));
  }
}

function runText(): void {
  const note = parseSignedNote(input.value.trim() + '\n', notesKeys());
  if (note !== undefined) {
    error.hidden = true;
    for (const id of ['fault', 'appraisal', 'signatures', 'receipts']) show(byId(id));
    byId('views').hidden = true;
    return showNote(byId('summary'), note);
  }
  run(readText(input.value));
}

/** The keys a signed note is checked against: none when the key field is empty or holds none. */
function notesKeys(): NamedKey[] {
  if (keys.value.trim() === '') return [];
  try {
    return parseKeys(keys.value);
  } catch (e) {
    if (isHemkitError(e)) return [];
    throw e;
  }
}

byId('inspect').addEventListener('click', () => {
  picked = undefined;
  runText();
});
input.addEventListener('paste', () => {
  picked = undefined;
  setTimeout(runText, 0);
});
keys.addEventListener('change', () => input.value.trim() !== '' && runText());

async function openFile(file: File): Promise<void> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (/\.json$/i.test(file.name) || file.type === 'application/json') {
    keys.value = new TextDecoder().decode(bytes);
    if (input.value.trim() !== '') runText();
    return;
  }
  picked = undefined;
  const read = readFile(bytes);
  input.value = '';
  input.placeholder = `${file.name}: ${read.bytes.length} bytes`;
  run(read);
}

byId<HTMLInputElement>('file').addEventListener('change', (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (file) void openFile(file);
});
document.addEventListener('dragover', (e) => {
  e.preventDefault();
  document.body.classList.add('dragging');
});
document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
document.addEventListener('drop', (e) => {
  e.preventDefault();
  document.body.classList.remove('dragging');
  const file = e.dataTransfer?.files[0];
  if (file) void openFile(file);
});

setupVectorPicker(byId<HTMLSelectElement>('vector'), byId('vector-note'), (p) => {
  picked = p;
  input.value = p.hex;
  if (p.keys !== undefined) keys.value = p.keys;
  now.value = p.now === undefined ? '' : String(p.now);
  nonce.value = p.nonce ?? '';
  run(readText(p.hex), p.rule);
});

document.body.dataset.ready = 'true';
