/**
 * What verification found: the appraisal of an evidence bundle with every check's outcome in the
 * verifier's order (as `hemkit verify` prints it: mark, check, status, code, message), the
 * signatures of a COSE message against the keys given, and each receipt walked to its root.
 */
import { APPRAISAL_CHECKS, CONSISTENCY_PROOFS, COSE_VERIFICATION, TRUSTWORTHINESS_VECTOR, familyOf, FRONTIERS, INCLUSION_PROOFS, shortHex, type ConsistencyCheck, type FrontierWalk, type ReceiptWalk, type SignatureCheck, type SignedNote } from '@hemkit/inspector';
import type { Appraisal } from '@hemkit/verifier';
import { toHex } from '@hemkit/wire/bytes';
import { copyButton, h, show } from './dom.js';
import { specLink } from './spec-link.js';

const MARK = { pass: '✓', fail: '✗', 'not-run': '·', 'not-applicable': '·' } as const;

export function showAppraisal(el: HTMLElement, a: Appraisal, ms: number, expected?: { status: string; checks: Record<string, string>; trustworthinessVector?: Record<string, number> }): void {
  const rows = a.checks.map((c) =>
    h(
      'tr',
      { class: `check-row ${c.status}`, 'data-check': c.id, 'data-status': c.status, ...(c.code ? { 'data-code': c.code } : {}) },
      h('td', {}, MARK[c.status]),
      h('td', {}, c.id),
      h('td', {}, c.status === 'pass' ? '' : c.status),
      h('td', { class: 'code' }, c.code ?? ''),
      h('td', {}, c.status === 'pass' ? '' : c.message),
    ),
  );
  const vector = Object.entries(a.trustworthinessVector);
  const sameVector = (want: Record<string, number>) => JSON.stringify(Object.entries(want).sort()) === JSON.stringify([...vector].sort());
  const differs =
    expected !== undefined &&
    (expected.status !== a.status || a.checks.some((c) => expected.checks[c.id] !== (c.status === 'fail' ? c.code : c.status)) || (expected.trustworthinessVector !== undefined && !sameVector(expected.trustworthinessVector)));
  show(
    el,
    h('h2', {}, 'Appraisal', specLink(APPRAISAL_CHECKS)),
    h(
      'p',
      {},
      h('span', { id: 'verdict', class: `verdict ${a.status}` }, a.status),
      a.ueid ? h('span', { class: 'mono' }, ` chip ${toHex(a.ueid)}`) : null,
      h('span', { class: 'note' }, ` · ${a.checks.length} checks in ${ms.toFixed(1)} ms on the noble backend`),
    ),
    h('table', { id: 'checks' }, h('tbody', {}, ...rows)),
    h(
      'p',
      { id: 'vector', class: 'mono' },
      'AR4SI trustworthiness vector: ',
      vector.length === 0 ? 'no claim' : vector.map(([claim, value]) => `${claim} ${value}`).join(', '),
      specLink(TRUSTWORTHINESS_VECTOR),
    ),
    expected === undefined ? null : h('p', { class: differs ? 'fail' : 'note', id: 'expected' }, differs ? `the vector expects ${expected.status}, with other outcomes: this page and the vector disagree` : `as the vector expects (${expected.status})`),
  );
}

export function showSignatures(el: HTMLElement, checks: readonly SignatureCheck[]): void {
  show(
    el,
    h('h2', {}, 'Signatures', specLink(COSE_VERIFICATION)),
    h(
      'table',
      { id: 'signature-rows' },
      h(
        'tbody',
        {},
        ...checks.map((c) =>
          h('tr', { class: `signature-row ${c.verified ? 'pass' : 'fail'}` }, h('td', {}, c.verified ? '✓' : '✗'), h('td', {}, `signature ${c.index}`), h('td', {}, c.keyLabel ?? ''), h('td', { class: 'code' }, c.code ?? ''), h('td', {}, c.message ?? (c.verified ? 'verifies' : ''))),
        ),
      ),
    ),
  );
}

export function showReceipts(el: HTMLElement, walks: readonly ReceiptWalk[], consistency: readonly ConsistencyCheck[], frontier?: FrontierWalk): void {
  if (walks.length === 0 && consistency.length === 0 && frontier === undefined) return show(el);
  show(
    el,
    frontier === undefined ? null : h('h2', {}, 'Entries proven by a frontier', specLink(FRONTIERS)),
    frontier === undefined
      ? null
      : h(
          'details',
          { class: `frontier ${frontier.matches ? 'pass' : 'fail'}`, open: '' },
          h(
            'summary',
            {},
            `${frontier.matches ? '✓' : '✗'} the frontier of entries 0..${frontier.start - 1} (${frontier.frontier.length} hashes) and entries ${frontier.start}..${frontier.treeSize - 1} → `,
            'root' in frontier.wire ? shortHex(frontier.wire.root) : `${frontier.wire.code}: ${frontier.wire.message}`,
            frontier.matches ? ' = the report\'s log head' : frontier.expectedRoot === undefined ? ' (the report does not parse)' : ` ≠ the report's log head ${frontier.expectedSize}, ${shortHex(frontier.expectedRoot)}`,
          ),
          h(
            'table',
            { class: 'steps' },
            h(
              'tbody',
              {},
              ...frontier.frontier.map((f) => h('tr', {}, h('td', {}, `[${f.from}, ${f.to})`), h('td', {}, 'MTH of a perfect subtree'), h('td', {}, shortHex(f.hash), copyButton(f.hash)))),
              h('tr', {}, h('td', {}, `size ${frontier.start}`), h('td', {}, 'the frontier folded: the root before the entries'), h('td', {}, shortHex(frontier.frontierRoot), copyButton(frontier.frontierRoot))),
            ),
          ),
        ),
    consistency.length === 0 ? null : h('h2', {}, 'Consistency receipts', specLink(CONSISTENCY_PROOFS)),
    ...consistency.map((c) =>
      h(
        'p',
        { class: `consistency ${c.matches ? 'pass' : c.wire === undefined ? 'note' : 'fail'}` },
        `${c.matches ? '✓' : c.wire === undefined ? '·' : '✗'} from size ${c.treeSize1} to ${c.treeSize2} (${c.pathLength} hashes): `,
        c.wire === undefined
          ? `the root at size ${c.treeSize1} is not in the bundle: the verifier proves it from the root it remembers`
          : 'code' in c.wire
            ? `${c.wire.code}: ${c.wire.message}`
            : c.matches
              ? `${shortHex(c.root1!)} leads to ${shortHex(c.wire.root)} = the checkpoint root at ${c.treeSize2}`
              : `${shortHex(c.root1!)} leads to ${shortHex(c.wire.root)}, ${c.root2 === undefined ? `and the bundle has no checkpoint of size ${c.treeSize2}` : `not the checkpoint root ${shortHex(c.root2)}`}`,
      ),
    ),
    walks.length === 0 ? null : h('h2', {}, 'Receipts walked to their checkpoint', specLink(INCLUSION_PROOFS)),
    ...walks.map((w) =>
      h(
        'details',
        { class: `receipt ${w.matches ? 'pass' : 'fail'}` },
        h('summary', {}, `${w.matches ? '✓' : '✗'} entry ${w.entryIndex ?? `#${w.position}`}: leaf ${w.leafIndex} of ${w.treeSize}, ${w.steps.length} step(s) → ${shortHex(w.root)} ${w.matches ? '= the checkpoint root' : w.expectedRoot === undefined ? '(no checkpoint of this size in the bundle)' : `≠ the checkpoint root ${shortHex(w.expectedRoot)}`}`),
        h(
          'table',
          { class: 'steps' },
          h(
            'tbody',
            {},
            h('tr', {}, h('td', {}, 'leaf'), h('td', {}, 'H(0x00 ‖ entry)'), h('td', {}, shortHex(w.leafHash), copyButton(w.leafHash))),
            ...w.steps.map((s, i) => h('tr', {}, h('td', {}, `step ${i + 1}`), h('td', {}, s.side === 'left' ? `H(0x01 ‖ ${shortHex(s.sibling)} ‖ r)` : `H(0x01 ‖ r ‖ ${shortHex(s.sibling)})`), h('td', {}, shortHex(s.result), copyButton(s.result)))),
            h('tr', {}, h('td', {}, 'wire'), h('td', {}, 'rootFromInclusionProof'), h('td', {}, 'root' in w.wire ? (w.wire.root === w.root ? 'agrees' : `computes ${shortHex(w.wire.root)}`) : `${w.wire.code}: ${w.wire.message}`)),
          ),
        ),
      ),
    ),
  );
}

/** A C2SP signed note: its three lines, and each signature with what the given keys say of it. */
export function showNote(el: HTMLElement, note: SignedNote): void {
  const family = familyOf('signed-note');
  show(
    el,
    h('p', {}, h('span', { id: 'family', class: 'family', 'data-family': family.id }, family.title), specLink(family.spec)),
    h(
      'table',
      {},
      h(
        'tbody',
        {},
        h('tr', {}, h('td', {}, 'origin'), h('td', { class: 'mono' }, note.origin)),
        h('tr', {}, h('td', {}, 'tree size'), h('td', { class: 'mono' }, note.treeSize)),
        h('tr', {}, h('td', {}, 'root hash'), h('td', { class: 'mono' }, shortHex(note.rootHash), copyButton(note.rootHash))),
      ),
    ),
    h('h2', {}, 'Signatures'),
    h(
      'table',
      {},
      h(
        'tbody',
        {},
        ...note.signatures.map((s) => {
          const v = s.verified;
          const status = v === undefined ? 'not checked: paste the attestation key (a COSE_Key in hex)' : 'by' in v ? `verifies under ${v.by}` : v.reason;
          return h('tr', { class: `signature-row ${v === undefined ? '' : 'by' in v ? 'pass' : 'fail'}` }, h('td', {}, v === undefined ? '·' : 'by' in v ? '✓' : '✗'), h('td', { class: 'mono' }, s.name), h('td', { class: 'mono' }, `key ID ${s.keyId}`), h('td', {}, status));
        }),
      ),
    ),
  );
}
