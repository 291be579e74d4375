/**
 * The project's test vectors, built into the page: evidence vectors (appraised with the verifier
 * inputs and the memory their file states) and message vectors (what each expects is shown beside
 * it). An evidence vector of a file whose vectors run in order (specs/test-vectors.md §2.11) is
 * appraised after the file's earlier vectors, against one memory, as the file states.
 */
import { appraiseBundle, storeFromMemory, type VerifierSetup } from '@hemkit/inspector';
import { parsePolicy, parseReferenceValues, parseTrustAnchors } from '@hemkit/verifier';
import type { VerifierStore } from '@hemkit/verifier/store';
import { bytesEqual, fromHex } from '@hemkit/wire/bytes';
import { evidenceFiles, messageFiles, type PageEvidenceVector } from 'virtual:hemkit-vectors';
import { h } from './dom.js';

export interface Picked {
  readonly hex: string;
  readonly keys?: string;
  readonly now?: number;
  readonly nonce?: string;
  /** A message vector's family: the schema its bytes are checked against. */
  readonly rule?: string;
  readonly evidence?: { readonly file: number; readonly vector: number };
}

export interface VectorRun {
  readonly setup: VerifierSetup;
  readonly now: number;
  readonly nonce: string | undefined;
  readonly expectedUeid: string | undefined;
  readonly expected: PageEvidenceVector['expected'];
  store(): VerifierStore;
}

export function setupVectorPicker(select: HTMLSelectElement, note: HTMLElement, onPick: (p: Picked) => void): void {
  evidenceFiles.forEach((f, fi) => {
    select.append(h('optgroup', { label: `${f.file}: ${f.description}` }, ...f.vectors.map((v, vi) => h('option', { value: `e:${fi}:${vi}` }, `${v.id} (${v.expected.status})`))));
  });
  messageFiles.forEach((f, fi) => {
    select.append(h('optgroup', { label: f.file }, ...f.vectors.map((v, vi) => h('option', { value: `m:${fi}:${vi}` }, `${v.id} (${v.result === 'valid' ? 'valid' : v.code ?? 'invalid'})`))));
  });
  select.addEventListener('change', () => {
    const [kind, a, b] = select.value.split(':');
    if (kind === 'e') {
      const f = evidenceFiles[Number(a)]!;
      const v = f.vectors[Number(b)]!;
      note.textContent = `${v.description}. Expected: ${v.expected.status}.${f.independent ? '' : Number(b) > 0 ? ` Appraised after the file's ${b} earlier vector(s), against one memory.` : ''}`;
      const keys = JSON.stringify({ trust: v.trust ?? f.trust, reference: v.reference ?? f.reference, policy: f.policy }, null, 2);
      onPick({ hex: v.bundle, keys, now: v.now, ...(v.nonce === null ? {} : { nonce: v.nonce }), evidence: { file: Number(a), vector: Number(b) } });
    } else if (kind === 'm') {
      const f = messageFiles[Number(a)]!;
      const v = f.vectors[Number(b)]!;
      note.textContent = `${f.family}: ${v.description}. Expected: ${v.result === 'valid' ? 'valid' : `invalid, ${v.code}`}.`;
      onPick({ hex: v.input, rule: f.family });
    }
  });
}

const setupOf = (f: (typeof evidenceFiles)[number], v: PageEvidenceVector): VerifierSetup => ({
  trust: parseTrustAnchors(v.trust ?? f.trust),
  reference: parseReferenceValues(v.reference ?? f.reference),
  policy: parsePolicy(f.policy),
});

/** The appraisal inputs of the picked evidence vector, when the bytes shown are still its bundle. */
export function pickedVector(picked: Picked | undefined, bytes: Uint8Array): VectorRun | undefined {
  if (picked?.evidence === undefined) return undefined;
  const f = evidenceFiles[picked.evidence.file]!;
  const v = f.vectors[picked.evidence.vector]!;
  if (!bytesEqual(fromHex(v.bundle), bytes)) return undefined;
  return {
    setup: setupOf(f, v),
    now: v.now,
    nonce: v.nonce ?? undefined,
    expectedUeid: v.expectedUeid,
    expected: v.expected,
    store() {
      if (f.independent) return storeFromMemory(v.memory);
      const store = storeFromMemory(undefined);
      for (const earlier of f.vectors.slice(0, picked.evidence!.vector)) {
        appraiseBundle({ bundle: fromHex(earlier.bundle), setup: setupOf(f, earlier), now: earlier.now, store, ...(earlier.nonce === null ? {} : { nonce: earlier.nonce }) });
      }
      return store;
    },
  };
}
