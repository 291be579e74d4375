/**
 * One inspection of some bytes, everything the page shows about them apart from verification:
 * the strict decoder's verdict (its fault's code and offset, specs/encoding.md §9), the family and
 * its spec section, the layout of every item with names, and the command line's named description.
 */
import { describe, type Described } from './describe.js';
import { decodeStrict, familyOf, recogniseCbor, type Family } from './family.js';
import { layout, LayoutStop, type LaidItem } from './layout.js';
import { nameTree, type Context, type NamedNode } from './names.js';
import { checkSchema, SCHEMAS, type SchemaVerdict } from './schemas.js';
import type { CborValue } from '@hemkit/wire';
import { CLAIM_NAMES } from '@hemkit/wire/messages';

export interface Fault {
  readonly code: string;
  readonly message: string;
  /** The byte the fault was found at, when the decoder names one. */
  readonly offset: number | undefined;
}

export interface Inspection {
  readonly bytes: Uint8Array;
  readonly family: Family;
  /** The strict profile's fault, when the bytes are not one item of the profile. */
  readonly fault?: Fault;
  /** Every item's place and name; absent when the bytes are not even well-formed at the top. */
  readonly tree?: NamedNode;
  /** Where the well-formedness walk stopped, if it did. */
  readonly stop?: { readonly offset: number; readonly message: string };
  /** The command line's description (`hemkit inspect --json`), for bytes the profile accepts. */
  readonly described?: Described;
  /** The family schema's verdict (hemkit.cddl), where one applies. */
  readonly schema?: SchemaVerdict;
}

/**
 * Everything about `bytes`; `rule` names the schema they are meant to follow (a message vector's
 * family), which then also names their keys.
 */
export function inspect(bytes: Uint8Array, rule?: string): Inspection {
  const strict = decodeStrict(bytes);
  const family = 'value' in strict ? recogniseCbor(bytes, strict.value) : familyOf('cbor');
  let laid: LaidItem | undefined;
  let stop: { offset: number; message: string } | undefined;
  try {
    laid = layout(bytes);
  } catch (e) {
    if (!(e instanceof LayoutStop)) throw e;
    stop = { offset: e.offset, message: e.message };
  }
  const hinted = rule === undefined ? undefined : SCHEMAS[rule]?.context;
  const tree = laid === undefined ? undefined : nameTree(laid, hinted ?? ('value' in strict && family.id === 'cbor' ? guessContext(strict.value) : family.context));
  if ('fault' in strict) return { bytes, family, fault: strict.fault, ...(tree ? { tree } : {}), ...(stop ? { stop } : {}) };
  const schema = checkSchema(bytes, strict.value, family.id, rule);
  return { bytes, family, ...(tree ? { tree } : {}), described: describe(bytes), ...(schema ? { schema } : {}) };
}

/**
 * An unrecognised map is named as a claims set (a COSE payload pasted on its own, say) only when
 * every key is a registered claim key; anything else keeps its bare keys rather than a guess.
 */
function guessContext(value: CborValue): Context {
  return value instanceof Map && value.size > 0 && [...value.keys()].every((k) => typeof k === 'number' && CLAIM_NAMES.has(k)) ? 'claims' : 'any';
}

/** The byte range a fault points at: the item starting at its offset, else that one byte. */
export function faultRange(inspection: Inspection): { start: number; end: number } | undefined {
  const at = inspection.fault?.offset;
  if (at === undefined) return undefined;
  const found = inspection.tree === undefined ? undefined : findStartingAt(inspection.tree, at);
  return found ?? { start: at, end: at + 1 };
}

function findStartingAt(node: NamedNode, offset: number): { start: number; end: number } | undefined {
  if (node.item.start === offset) return { start: node.item.start, end: node.item.end };
  const inner = [...node.children.flatMap((c) => (c.key ? [c.key, c] : [c])), ...(node.embedded ? [node.embedded] : [])];
  for (const child of inner) {
    if (offset >= child.item.start && offset < child.item.end) return findStartingAt(child, offset);
  }
  return undefined;
}
