/**
 * Where each data item sits in the bytes: a lenient walk over RFC 8949 §3 heads that records every
 * item's byte range, so the page can highlight the bytes of a tree node and find the node of a byte.
 * It checks well-formedness only: the strict profile is `decode`'s job (specs/encoding.md), and the
 * page shows the walk exactly so that bytes the profile rejects can still be seen. A byte string that
 * holds a hemkit message (a COSE payload, a protected header, a bundle member) is laid out inside it,
 * at its absolute offsets.
 */
import { decode, isHemkitError } from '@hemkit/wire';

export type ItemKind = 'uint' | 'nint' | 'bytes' | 'text' | 'array' | 'map' | 'tag' | 'simple' | 'float';

export interface LaidItem {
  readonly kind: ItemKind;
  /** Offset of the initial byte. */
  readonly start: number;
  /** Offset just past the head (initial byte and argument): a string's content starts here. */
  readonly headEnd: number;
  /** Offset just past the item. */
  readonly end: number;
  /** The head's argument: an integer's value (before negation), a length, a count, a tag number. */
  readonly argument: bigint;
  /** Array items; map keys and values alternating; a tag's content. */
  readonly children: readonly LaidItem[];
  /** A byte string whose content is itself one CBOR map, array or tagged item of the profile. */
  readonly embedded?: LaidItem;
}

/** Not well-formed (RFC 8949 §3): truncated, reserved, or indefinite where the walk cannot follow. */
export class LayoutStop extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_DEPTH = 64;
const KIND: readonly ItemKind[] = ['uint', 'nint', 'bytes', 'text', 'array', 'map', 'tag', 'simple'];

/** The layout of the one item at the start of `bytes` (offsets relative to `base`), or a LayoutStop. */
export function layout(bytes: Uint8Array, base = 0): LaidItem {
  return walk(bytes, 0, base, 0);
}

function walk(bytes: Uint8Array, at: number, base: number, depth: number): LaidItem {
  if (depth > MAX_DEPTH) throw new LayoutStop(base + at, `nested deeper than ${MAX_DEPTH}`);
  if (at >= bytes.length) throw new LayoutStop(base + at, 'the input ends where a data item should start');
  const initial = bytes[at]!;
  const major = initial >> 5;
  const ai = initial & 0x1f;
  let pos = at + 1;
  let argument: bigint;
  if (ai < 24) argument = BigInt(ai);
  else if (ai <= 27) {
    const size = 1 << (ai - 24);
    if (pos + size > bytes.length) throw new LayoutStop(base + at, `the head needs ${size} more byte(s)`);
    argument = 0n;
    for (let i = 0; i < size; i++) argument = (argument << 8n) | BigInt(bytes[pos + i]!);
    pos += size;
  } else if (ai === 31) throw new LayoutStop(base + at, 'an indefinite length or a break, which the profile does not use');
  else throw new LayoutStop(base + at, `reserved additional information ${ai}`);
  const headEnd = pos;
  const kind = major === 7 && ai >= 25 && ai <= 27 ? 'float' : KIND[major]!;
  const item = (end: number, children: readonly LaidItem[] = [], embedded?: LaidItem): LaidItem => ({
    kind,
    start: base + at,
    headEnd: base + headEnd,
    end: base + end,
    argument,
    children,
    ...(embedded === undefined ? {} : { embedded }),
  });
  switch (major) {
    case 2:
    case 3: {
      if (argument > BigInt(bytes.length - pos)) throw new LayoutStop(base + at, `a string of ${argument} byte(s) with ${bytes.length - pos} left`);
      const end = pos + Number(argument);
      return item(end, [], major === 2 ? embeddedItem(bytes.subarray(pos, end), base + pos, depth) : undefined);
    }
    case 4:
    case 5: {
      const count = major === 5 ? argument * 2n : argument;
      if (count > BigInt(bytes.length - pos)) throw new LayoutStop(base + at, `${argument} ${major === 5 ? 'pairs' : 'items'} announced with ${bytes.length - pos} byte(s) left`);
      const children: LaidItem[] = [];
      for (let i = 0n; i < count; i++) {
        const child = walk(bytes, pos, base, depth + 1);
        children.push(child);
        pos = child.end - base;
      }
      return item(pos, children);
    }
    case 6: {
      const content = walk(bytes, pos, base, depth + 1);
      return item(content.end - base, [content]);
    }
    default:
      return item(pos);
  }
}

/**
 * Messages embed messages as byte strings (specs/encoding.md §11). A byte string is shown as one when
 * it decodes under the profile to a map, an array or a tag: hashes and signatures, being random,
 * practically never do.
 */
function embeddedItem(content: Uint8Array, base: number, depth: number): LaidItem | undefined {
  const major = content.length > 0 ? content[0]! >> 5 : -1;
  if (major !== 4 && major !== 5 && major !== 6) return undefined;
  try {
    decode(content);
  } catch (e) {
    if (isHemkitError(e)) return undefined;
    throw e;
  }
  return walk(content, 0, base, depth + 1);
}

/** The innermost item whose bytes contain `offset` (descending into embedded messages). */
export function itemAt(root: LaidItem, offset: number): LaidItem[] {
  const path: LaidItem[] = [];
  let node: LaidItem | undefined = root;
  while (node !== undefined && offset >= node.start && offset < node.end) {
    path.push(node);
    const inner: LaidItem | undefined = node.embedded !== undefined && offset >= node.embedded.start ? node.embedded : node.children.find((c) => offset >= c.start && offset < c.end);
    node = inner;
  }
  return path;
}
