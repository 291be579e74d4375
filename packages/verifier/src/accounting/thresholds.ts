/**
 * Reporting thresholds on the compute of one training run: the question of Shavit, "What does it
 * take to catch a Chinchilla?" (2023, arXiv:2303.11341), asked of a fleet's evidence. Both legal
 * texts below say "greater than", so a run passes a threshold only when its total is strictly
 * greater: a run of exactly 10^25 operations is not over the first.
 */
import { HemkitError } from '@hemkit/wire/errors';
import { checkCount, checkList, checkRecord, checkText, invalid } from './input-errors.js';

export interface Threshold {
  /** Stable identifier, as reports name the thresholds a run passed. */
  readonly id: string;
  readonly description: string;
  /** A run passes the threshold when its total is greater than this. */
  readonly ops: bigint;
}

function threshold(id: string, description: string, ops: bigint): Threshold {
  return Object.freeze({ id, description, ops });
}

export const DEFAULT_THRESHOLDS: readonly Threshold[] = Object.freeze([
  // Regulation (EU) 2024/1689 (AI Act), OJ L, 12.7.2024, Art. 51(2): a general-purpose AI model
  // "shall be presumed to have high impact capabilities pursuant to paragraph 1, point (a), when the
  // cumulative amount of computation used for its training measured in floating point operations is
  // greater than 10^25". Art. 51(3) lets the Commission amend the figure by delegated act, which is
  // one reason the thresholds are a parameter. The chips count operations of every precision class,
  // integer ones included; against a floating-point figure that errs towards flagging.
  threshold(
    'eu-ai-act-art-51-2',
    'EU AI Act (Regulation (EU) 2024/1689) Art. 51(2): presumption of high-impact capabilities, training compute greater than 10^25 floating-point operations',
    10n ** 25n,
  ),
  // Executive Order 14110 of 30 October 2023 (88 FR 75191), §4.2(b)(i): until Commerce defines the
  // technical conditions, reporting applies to "any model that was trained using a quantity of
  // computing power greater than 10^26 integer or floating-point operations, or using primarily
  // biological sequence data and using a quantity of computing power greater than 10^23". A
  // descriptor does not say what data a run trained on, so the 10^23 figure is not a default; pass
  // it as an extra threshold where it applies. Executive Order 14148 of 20 January 2025 revoked
  // EO 14110; its figure is kept as the reference point the issue names.
  threshold(
    'us-eo-14110-4-2-b-i',
    'US Executive Order 14110 §4.2(b)(i) (revoked 20 January 2025 by EO 14148): model trained with greater than 10^26 integer or floating-point operations',
    10n ** 26n,
  ),
]);

// Ids are printed bare in a comma-separated list, and descriptions on a line of their own: neither
// may hold what would forge or break a line of the report.
const THRESHOLD_ID = /^[\x21-\x2b\x2d-\x7e]+$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** The caller's thresholds, checked and copied: ids unique, printable, without spaces or commas. */
export function checkThresholds(value: unknown): readonly Threshold[] {
  const ids = new Map<string, number>();
  const out = checkList(value, 'thresholds').map((item, i) => {
    const path = `thresholds[${i}]`;
    const t = checkRecord(item, path);
    const id = checkText(t['id'], `${path}.id`);
    if (!THRESHOLD_ID.test(id)) throw invalid(`${path}.id`, 'printable ASCII without spaces or commas', id);
    const earlier = ids.get(id);
    if (earlier !== undefined) {
      throw new HemkitError('ACCOUNTING_INVALID_INPUT', `${path}.id: "${id}" is already the id of thresholds[${earlier}]`);
    }
    ids.set(id, i);
    const description = checkText(t['description'], `${path}.description`);
    if (CONTROL.test(description)) throw invalid(`${path}.description`, 'text without control characters or line breaks', description);
    return threshold(id, description, checkCount(t['ops'], `${path}.ops`));
  });
  return Object.freeze(out);
}
