/**
 * Matching data items against CDDL types (RFC 8610 §2, §3).
 *
 * Arrays match their group in order; an entry with an occurrence takes as many items as it can and
 * gives them back one at a time when what follows cannot match (backtracking, RFC 8610 §3.2). Maps
 * match their group as a set (§3.5): each member takes unused entries whose key and value match,
 * and an entry left over at the end means the map is closed to it. Repeated map members
 * (`* key => value`) take the matching entries in map order and, when what follows fails, give
 * back the last ones first; arbitrary subsets are not tried, which only matters for a schema that
 * lists a wildcard before a member it overlaps.
 *
 * When the data does not match, the failure reported is the one found deepest in the data (the
 * point the matcher got furthest), and a failure inside a choice that went no deeper is restated
 * as the whole choice ("expected uint / biguint-128, got …").
 */
import { decode } from '@hemkit/wire/cbor';
import { HemkitError, isHemkitError } from '@hemkit/wire/errors';
import type { GroupEntry, GroupNode, Literal, MemberKey, Occurrence, Type1Node, Type2Node, TypeNode } from '../schema/ast.js';
import type { CddlSchema } from '../schema/schema.js';
import { decodeWellFormed } from '../data/decode.js';
import { describe, fromCborValue, renderKey, type RawItem } from '../data/item.js';
import { bytesEqual } from '@hemkit/wire/bytes';

/**
 * How byte strings are decoded, at the top and inside `.cbor`: 'profile' with @hemkit/wire's strict
 * decoder (hemkit's own messages), 'well-formed' with the permissive decoder (foreign data).
 */
export type DecodingMode = 'profile' | 'well-formed';

interface Path {
  readonly seg: string;
  readonly parent: Path | undefined;
  readonly depth: number;
}

interface Failure {
  readonly path: Path | undefined;
  readonly message: string;
}

const ONE: Occurrence = { min: 1, max: 1 };
const depthOf = (p: Path | undefined): number => p?.depth ?? 0;
const push = (p: Path | undefined, seg: string): Path => ({ seg, parent: p, depth: depthOf(p) + 1 });

export function renderPath(p: Path | undefined, root: string): string {
  const segs: string[] = [];
  for (let q = p; q; q = q.parent) segs.push(q.seg);
  return segs.length === 0 ? root : segs.reverse().join(' > ');
}

/** Schema text for a message: comments dropped (not inside literals), white space folded, long text cut. */
function short(src: string): string {
  const text = src
    .replace(/("(?:[^"\\\n]|\\.)*"|'(?:[^'\\]|\\.)*')|;[^\n]*/g, (_match, literal: string | undefined) => literal ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** The field name of a key constant: `claim.ops-quota` → `ops-quota` (hemkit.cddl conventions). */
function fieldName(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot >= 0 ? name.slice(dot + 1) : name;
}

function matchesLiteral(item: RawItem, lit: Literal): boolean {
  switch (lit.kind) {
    case 'int':
      return (item.kind === 'uint' || item.kind === 'nint') && item.value === lit.value;
    case 'float':
      return item.kind === 'float' && item.value === lit.value;
    case 'text':
      return item.kind === 'text' && item.value === lit.value;
    case 'bytes':
      return item.kind === 'bytes' && bytesEqual(item.value, lit.value);
  }
}

function compareNumbers(a: bigint | number, b: bigint | number): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const utf8 = new TextEncoder();

interface MapState {
  readonly used: boolean[];
  count: number;
}

export class Matcher {
  /** The most specific failure seen so far; reset when the match it came from succeeds after all. */
  best: Failure | undefined;
  private readonly embedded = new WeakMap<Uint8Array, RawItem | HemkitError>();
  private readonly keyLiterals = new WeakMap<MemberKey, Literal | null>();

  constructor(
    private readonly schema: CddlSchema,
    private readonly decoding: DecodingMode,
  ) {}

  // --- failures ---

  private record(path: Path | undefined, message: string): void {
    if (!this.best || depthOf(path) > depthOf(this.best.path)) this.best = { path, message };
  }

  private expected(path: Path | undefined, what: string, item: RawItem): void {
    this.record(path, `expected ${short(what)}, got ${describe(item)}`);
  }

  /**
   * Runs one match. On success the failures met on the way are forgotten (they were alternatives
   * not taken). On failure, unless something deeper went wrong, the failure is restated as `what`.
   */
  private attempt(path: Path | undefined, what: string | undefined, item: RawItem, run: () => boolean): boolean {
    const before = this.best;
    if (run()) {
      this.best = before;
      return true;
    }
    if (what !== undefined) {
      const after = this.best;
      if (after === before || !after || depthOf(after.path) <= depthOf(path)) {
        this.best = before;
        this.expected(path, what, item);
      }
    }
    return false;
  }

  /** Runs a match whose failures are not the data's fault (a key lookup, a size or bit check). */
  private silently(run: () => boolean): boolean {
    const before = this.best;
    const ok = run();
    this.best = before;
    return ok;
  }

  // --- types ---

  /** Top-level entry: the item against a named type rule; the path starts with its name. */
  rule(name: string, item: RawItem): boolean {
    const rule = this.schema.rules.get(name);
    if (rule?.kind !== 'type') throw new HemkitError('CDDL_UNDEFINED_RULE', `no type rule named '${name}'`);
    const path = push(undefined, name);
    if (rule.prelude) return this.attempt(path, name, item, () => this.type(rule.type, item, path, undefined));
    return this.type(rule.type, item, path, undefined);
  }

  /** `label` is the name of the rule being matched; a map, array or tag shows it in the path. */
  type(node: TypeNode, item: RawItem, path: Path | undefined, label: string | undefined): boolean {
    if (node.choices.length === 1) return this.attempt(path, undefined, item, () => this.type1(node.choices[0]!, item, path, label));
    return this.attempt(path, node.src, item, () => node.choices.some((c) => this.type1(c, item, path, label)));
  }

  private type1(node: Type1Node, item: RawItem, path: Path | undefined, label: string | undefined): boolean {
    if (node.kind === 'range') return this.range(node, item, path);
    if (node.kind === 'control') return this.control(node, item, path, label);
    return this.type2(node, item, path, label);
  }

  private type2(node: Type2Node, item: RawItem, path: Path | undefined, label: string | undefined): boolean {
    switch (node.kind) {
      case 'value': {
        const ok = matchesLiteral(item, node.value);
        if (!ok) this.expected(path, node.src, item);
        return ok;
      }
      case 'ref': {
        const rule = this.schema.rules.get(node.name);
        if (rule?.kind !== 'type') throw new HemkitError('CDDL_UNDEFINED_RULE', `no type rule named '${node.name}'`);
        // A prelude name is the best description of what was expected ("expected uint").
        if (rule.prelude) return this.attempt(path, node.name, item, () => this.type(rule.type, item, path, node.name));
        return this.type(rule.type, item, path, node.name);
      }
      case 'paren':
        return this.type(node.type, item, path, label);
      case 'map':
        if (item.kind !== 'map') {
          this.record(path, `expected ${label ?? 'a map'}, got ${describe(item)}`);
          return false;
        }
        return this.map(node.group, item, label === undefined ? path : push(path, label));
      case 'array':
        if (item.kind !== 'array') {
          this.record(path, `expected ${label ?? 'an array'}, got ${describe(item)}`);
          return false;
        }
        return this.array(node.group, item, label === undefined ? path : push(path, label));
      case 'tag':
        if (item.kind !== 'tag' || (node.tag !== undefined && item.tag !== node.tag)) {
          this.record(path, `expected ${label === undefined ? short(node.src) : `${label} (${short(node.src)})`}, got ${describe(item)}`);
          return false;
        }
        return node.content === undefined || this.type(node.content, item.content, label === undefined ? path : push(path, label), undefined);
      case 'major':
        return this.major(node, item, path);
      case 'any':
        return true;
      case 'unwrap': {
        const target = this.schema.unwrapTarget(node.name);
        if (target?.kind !== 'tag') throw new HemkitError('CDDL_UNSUPPORTED_FEATURE', `'~${node.name}' does not unwrap a tag`);
        return target.content === undefined || this.type(target.content, item, path, label);
      }
      case 'enum': {
        const values = this.enumValues(node.group, new Set());
        return this.attempt(path, node.src, item, () => values.some((v) => this.type(v, item, path, undefined)));
      }
    }
  }

  /** `#m` and `#7.ai` (RFC 8610 §3.6): the major type, and for 7 the simple value or float width. */
  private major(node: Type2Node & { kind: 'major' }, item: RawItem, path: Path | undefined): boolean {
    const kinds = ['uint', 'nint', 'bytes', 'text', 'array', 'map', 'tag'] as const;
    let ok: boolean;
    if (node.major < 7) ok = item.kind === kinds[node.major];
    else if (node.arg === undefined) ok = item.kind === 'simple' || item.kind === 'float';
    else if (node.arg >= 25n && node.arg <= 27n) ok = item.kind === 'float' && item.bits === 16 << Number(node.arg - 25n);
    else ok = item.kind === 'simple' && BigInt(item.value) === node.arg;
    if (!ok) this.expected(path, node.src, item);
    return ok;
  }

  private range(node: Type1Node & { kind: 'range' }, item: RawItem, path: Path | undefined): boolean {
    const lo = this.schema.literalOf(node.lo)!;
    const hi = this.schema.literalOf(node.hi)!;
    let ok = false;
    const numeric = lo.kind === 'int' ? item.kind === 'uint' || item.kind === 'nint' : item.kind === 'float';
    if (numeric) {
      const v = (item as { value: bigint | number }).value;
      const below = compareNumbers(v, hi.value as bigint | number);
      ok = compareNumbers(v, lo.value as bigint | number) >= 0 && (node.inclusive ? below <= 0 : below < 0);
    }
    if (!ok) this.expected(path, node.src, item);
    return ok;
  }

  private enumValues(group: GroupNode, seen: Set<GroupNode>): TypeNode[] {
    if (seen.has(group)) return [];
    seen.add(group);
    const out: TypeNode[] = [];
    for (const choice of group.choices) {
      for (const entry of choice) {
        if (entry.kind === 'group') out.push(...this.enumValues(entry.group, seen));
        else {
          const spliced = this.schema.splicedGroup(entry);
          if (spliced) out.push(...this.enumValues(spliced, seen));
          else out.push(entry.value);
        }
      }
    }
    return out;
  }

  // --- control operators (RFC 8610 §3.8) ---

  private control(node: Type1Node & { kind: 'control' }, item: RawItem, path: Path | undefined, label: string | undefined): boolean {
    if (!this.type2(node.target, item, path, label)) return false;
    switch (node.op) {
      case 'default':
        return true;
      case 'within':
      case 'and':
        return this.type2(node.controller, item, path, label);
      case 'size':
        return this.size(node, item, path);
      case 'bits':
        return this.bits(node, item, path);
      case 'cbor':
        return this.cbor(node, item, path);
      case 'eq':
      case 'ne': {
        const same = matchesLiteral(item, this.schema.literalOf(node.controller)!);
        const ok = node.op === 'eq' ? same : !same;
        if (!ok) this.expected(path, node.src, item);
        return ok;
      }
      default: {
        const lit = this.schema.literalOf(node.controller)!;
        let ok = false;
        if (item.kind === 'uint' || item.kind === 'nint' || item.kind === 'float') {
          const c = compareNumbers(item.value, lit.value as bigint | number);
          ok = node.op === 'lt' ? c < 0 : node.op === 'le' ? c <= 0 : node.op === 'gt' ? c > 0 : c >= 0;
        }
        if (!ok) this.expected(path, node.src, item);
        return ok;
      }
    }
  }

  /**
   * RFC 8610 §3.8.1: a byte or text string's length in bytes must match the controller; an unsigned
   * integer must fit in the controller's number of bytes (with a range, its largest).
   */
  private size(node: Type1Node & { kind: 'control' }, item: RawItem, path: Path | undefined): boolean {
    let ok = false;
    if (item.kind === 'bytes' || item.kind === 'text') {
      const length = item.kind === 'bytes' ? item.value.length : utf8.encode(item.value).length;
      ok = this.silently(() => this.type2(node.controller, { kind: 'uint', value: BigInt(length) }, path, undefined));
    } else if (item.kind === 'uint') {
      const bound = this.schema.sizeBound(node.controller);
      if (bound === undefined) {
        throw new HemkitError('CDDL_UNSUPPORTED_FEATURE', `${node.pos.line}:${node.pos.column}: '${short(node.src)}': .size on an unsigned integer needs a byte count or a range of byte counts`);
      }
      ok = bound >= 8n || (bound >= 0n && item.value < 256n ** bound);
    }
    if (!ok) this.expected(path, node.src, item);
    return ok;
  }

  /** RFC 8610 §3.8.2: every set bit's number must match the controller; in a byte string, bit n is bit (n & 7) of byte n >> 3. */
  private bits(node: Type1Node & { kind: 'control' }, item: RawItem, path: Path | undefined): boolean {
    const set: bigint[] = [];
    if (item.kind === 'uint') {
      for (let v = item.value, n = 0n; v > 0n; v >>= 1n, n++) if (v & 1n) set.push(n);
    } else if (item.kind === 'bytes') {
      item.value.forEach((byte, i) => {
        for (let j = 0; j < 8; j++) if (byte & (1 << j)) set.push(BigInt(i * 8 + j));
      });
    } else {
      this.expected(path, node.src, item);
      return false;
    }
    for (const n of set) {
      if (!this.silently(() => this.type2(node.controller, { kind: 'uint', value: n }, path, undefined))) {
        this.record(path, `bit ${n} is set, which ${short(node.src)} does not allow`);
        return false;
      }
    }
    return true;
  }

  /** RFC 8610 §3.8.4: the byte string holds one encoded data item that matches the controller. */
  private cbor(node: Type1Node & { kind: 'control' }, item: RawItem, path: Path | undefined): boolean {
    if (item.kind !== 'bytes') {
      this.expected(path, node.src, item);
      return false;
    }
    const inner = this.decodeEmbedded(item.value);
    if (inner instanceof HemkitError) {
      const how = this.decoding === 'profile' ? 'CBOR of the hemkit profile' : 'well-formed CBOR';
      this.record(path, `the byte string (${item.value.length} bytes) is not ${how}: ${inner.code}: ${inner.message}`);
      return false;
    }
    return this.type2(node.controller, inner, path, undefined);
  }

  private decodeEmbedded(bytes: Uint8Array): RawItem | HemkitError {
    const cached = this.embedded.get(bytes);
    if (cached) return cached;
    let result: RawItem | HemkitError;
    try {
      result = decodeWith(this.decoding, bytes);
    } catch (e) {
      if (!isHemkitError(e)) throw e;
      result = e;
    }
    this.embedded.set(bytes, result);
    return result;
  }

  // --- maps (RFC 8610 §3.5) ---

  private map(group: GroupNode, item: RawItem & { kind: 'map' }, path: Path | undefined): boolean {
    const state: MapState = { used: item.entries.map(() => false), count: 0 };
    return this.groupInMap(group, item, state, path, () => {
      if (state.count === item.entries.length) return true;
      const [key, value] = item.entries[state.used.indexOf(false)]!;
      this.record(push(path, `key ${renderKey(key)}`), `no member of the map takes this entry (${describe(value)}); the map is closed`);
      return false;
    });
  }

  private groupInMap(group: GroupNode, map: RawItem & { kind: 'map' }, st: MapState, path: Path | undefined, k: () => boolean): boolean {
    return group.choices.some((choice) => this.entriesInMap(choice, 0, map, st, path, k));
  }

  private entriesInMap(
    entries: readonly GroupEntry[],
    i: number,
    map: RawItem & { kind: 'map' },
    st: MapState,
    path: Path | undefined,
    k: () => boolean,
  ): boolean {
    if (i === entries.length) return k();
    const entry = entries[i]!;
    const next = (): boolean => this.entriesInMap(entries, i + 1, map, st, path, k);
    const spliced = entry.kind === 'group' ? entry.group : this.schema.splicedGroup(entry);
    if (spliced) return this.repeatInMap(entry.occur ?? ONE, spliced, map, st, path, next);
    if (entry.kind !== 'member' || entry.key === undefined) return false;
    return this.memberInMap(entry, entry.key, map, st, path, next);
  }

  private memberInMap(
    entry: GroupEntry & { kind: 'member' },
    key: MemberKey,
    map: RawItem & { kind: 'map' },
    st: MapState,
    path: Path | undefined,
    k: () => boolean,
  ): boolean {
    const { min, max } = entry.occur ?? ONE;
    const viable: number[] = [];
    let keyMatched = false;
    for (let j = 0; j < map.entries.length; j++) {
      if (st.used[j]) continue;
      const [keyItem, valueItem] = map.entries[j]!;
      if (!this.keyMatches(key, keyItem)) continue;
      keyMatched = true;
      if (this.type(entry.value, valueItem, push(path, this.memberSegment(key, keyItem)), undefined)) viable.push(j);
      // RFC 8610 §3.5.4: past a cut, an entry whose key matched is this member's or nobody's.
      else if (key.cut) return false;
    }
    const mark = (j: number, on: boolean): void => {
      st.used[j] = on;
      st.count += on ? 1 : -1;
    };
    if (max === 1) {
      for (const j of viable) {
        mark(j, true);
        if (k()) return true;
        mark(j, false);
      }
    } else if (viable.length >= min) {
      const take = viable.slice(0, Math.min(viable.length, max));
      for (const j of take) mark(j, true);
      let marked = take.length;
      for (let c = take.length; c >= min; c--) {
        while (marked > c) mark(take[--marked]!, false);
        if (k()) return true;
      }
      while (marked > 0) mark(take[--marked]!, false);
      return false;
    }
    if (min === 0 && max === 1) return k();
    if (!keyMatched) {
      this.record(path, min === 1 ? `missing ${short(entry.src)}` : `expected at least ${min} entries matching ${short(entry.src)}, found none`);
    } else if (viable.length < min && min > 1) {
      this.record(path, `expected at least ${min} entries matching ${short(entry.src)}, found ${viable.length}`);
    }
    return false;
  }

  private keyMatches(key: MemberKey, item: RawItem): boolean {
    let lit = this.keyLiterals.get(key);
    if (lit === undefined) {
      lit = this.schema.literalOf(key.type) ?? null;
      this.keyLiterals.set(key, lit);
    }
    if (lit !== null) return matchesLiteral(item, lit);
    return this.silently(() => this.type1(key.type, item, undefined, undefined));
  }

  /** `name (key n)` for a named key constant, the bareword for `name:`, else `key n`. */
  private memberSegment(key: MemberKey, keyItem: RawItem): string {
    if (key.bareword !== undefined) return key.bareword;
    if (key.type.kind === 'ref' && this.keyLiterals.get(key)) return `${fieldName(key.type.name)} (key ${renderKey(keyItem)})`;
    return `key ${renderKey(keyItem)}`;
  }

  private repeatInMap(
    occur: Occurrence,
    group: GroupNode,
    map: RawItem & { kind: 'map' },
    st: MapState,
    path: Path | undefined,
    k: () => boolean,
  ): boolean {
    const rep = (count: number): boolean => {
      if (count < occur.max) {
        const before = st.count;
        // A repetition that takes no entry can repeat forever: count it as all the rest.
        if (this.groupInMap(group, map, st, path, () => (st.count > before ? rep(count + 1) : k()))) return true;
      }
      return count >= occur.min && k();
    };
    return rep(0);
  }

  // --- arrays (RFC 8610 §3.4) ---

  private array(group: GroupNode, item: RawItem & { kind: 'array' }, path: Path | undefined): boolean {
    const items = item.items;
    return this.groupInArray(group, items, 0, path, (i) => {
      if (i === items.length) return true;
      // Recorded at the array, not the item: a member that wanted this item and failed inside it
      // has the more useful message, and ties go to the failure found first.
      this.record(path, `${describe(items[i]!)} at [${i}] is one item too many: the array's group has no member left for it`);
      return false;
    });
  }

  private groupInArray(group: GroupNode, items: readonly RawItem[], i: number, path: Path | undefined, k: (i: number) => boolean): boolean {
    return group.choices.some((choice) => this.entriesInArray(choice, 0, items, i, path, k));
  }

  private entriesInArray(
    entries: readonly GroupEntry[],
    e: number,
    items: readonly RawItem[],
    i: number,
    path: Path | undefined,
    k: (i: number) => boolean,
  ): boolean {
    if (e === entries.length) return k(i);
    const entry = entries[e]!;
    const next = (j: number): boolean => this.entriesInArray(entries, e + 1, items, j, path, k);
    const spliced = entry.kind === 'group' ? entry.group : this.schema.splicedGroup(entry);
    if (spliced) return this.repeatInArray(entry.occur ?? ONE, spliced, items, i, path, next);
    if (entry.kind !== 'member') return false;
    return this.memberInArray(entry, items, i, path, next);
  }

  /** Array member names are documentation (RFC 8610 §3.4); they only label the path. */
  private memberInArray(
    entry: GroupEntry & { kind: 'member' },
    items: readonly RawItem[],
    i: number,
    path: Path | undefined,
    k: (i: number) => boolean,
  ): boolean {
    const { min, max } = entry.occur ?? ONE;
    const name = entry.key?.bareword;
    let n = 0;
    while (n < max && i + n < items.length) {
      const at = i + n;
      if (!this.type(entry.value, items[at]!, push(path, name === undefined ? `[${at}]` : `${name} [${at}]`), undefined)) break;
      n++;
    }
    if (n < min) {
      if (i + n === items.length) this.record(path, `missing ${short(entry.src)} at [${i + n}]: the array has ${items.length} item${items.length === 1 ? '' : 's'}`);
      return false;
    }
    for (let c = n; c >= min; c--) if (k(i + c)) return true;
    return false;
  }

  private repeatInArray(
    occur: Occurrence,
    group: GroupNode,
    items: readonly RawItem[],
    i: number,
    path: Path | undefined,
    k: (i: number) => boolean,
  ): boolean {
    const rep = (count: number, at: number): boolean => {
      if (count < occur.max && this.groupInArray(group, items, at, path, (j) => (j > at ? rep(count + 1, j) : k(j)))) return true;
      return count >= occur.min && k(at);
    };
    return rep(0, i);
  }
}

/** Decodes one data item the chosen way; throws the decoder's HemkitError (a CBOR_* code). */
export function decodeWith(mode: DecodingMode, bytes: Uint8Array): RawItem {
  return mode === 'profile' ? fromCborValue(decode(bytes)) : decodeWellFormed(bytes);
}
