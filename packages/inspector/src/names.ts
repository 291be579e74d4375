/**
 * Names for the keys and positions of a laid-out message, by where they sit: claim keys from the
 * claim registry (specs/registries.md §b), record fields from the wire layer's own schemas (so a
 * field is named exactly as the code and the CDDL name it), COSE positions and header labels from
 * RFC 9052. The context of a node decides the names of its children.
 */
import { CLAIM_NAMES, counters, disclosedEntry, evidenceBundle, licenceState, logEntryOpening, logHead, PRECISION_NAMES, workloadDescriptor, type RecordType } from '@hemkit/wire/messages';
import type { LaidItem } from './layout.js';

export type Context =
  | 'any'
  | 'claims'
  | 'cose-sign1'
  | 'cose-sign'
  | 'cose-signatures'
  | 'cose-signature'
  | 'headers'
  | 'cose-key'
  | 'bundle'
  | 'bundle-members'
  | 'disclosed-entries'
  | 'disclosed-entry'
  | 'opening'
  | 'workload-descriptor'
  | 'log-entry'
  | 'log-entry-details'
  | 'module-message'
  | 'counters'
  | 'log-head'
  | 'licence-state'
  | 'cnf'
  | 'ops-by-precision'
  | 'precision-list';

/** One node of the named tree: its item, what its parent calls it, and its named children. */
export interface NamedNode {
  readonly item: LaidItem;
  /** The field or position name ("counters", "payload", "[3]"), when the context knows one. */
  readonly name?: string;
  /** The field whose reading an unnamed value takes (an element of `precisionClasses` reads as a `precisionClass`). */
  readonly readAs?: string;
  /** For a map value: the key's own node (its integer or text). */
  readonly key?: NamedNode;
  readonly children: readonly NamedNode[];
  /** The message a byte string carries, named in its own context. */
  readonly embedded?: NamedNode;
}

const byKey = (type: RecordType<unknown>): ReadonlyMap<number, string> => new Map(Object.entries(type.keys).map(([n, k]) => [k, n]));

/** RFC 9052 §3.1 header labels, and RFC 9942 §4 vds (395) and vdp (396). */
const HEADER_NAMES: ReadonlyMap<number, string> = new Map([[1, 'alg'], [2, 'crit'], [3, 'content type'], [4, 'kid'], [16, 'typ'], [395, 'vds'], [396, 'vdp']]);
/** RFC 9052 §7.1 and RFC 9053 §7: the COSE_Key labels hemkit uses. */
const COSE_KEY_NAMES: ReadonlyMap<number, string> = new Map([[1, 'kty'], [2, 'kid'], [3, 'alg'], [-1, 'crv'], [-2, 'x'], [-3, 'y']]);
/** module-commands.md §1: the envelope of requests and responses. */
const ENVELOPE_NAMES: ReadonlyMap<number, string> = new Map([[1, 'command'], [2, 'requestId'], [3, 'params'], [4, 'status'], [5, 'result'], [6, 'error']]);
/** log-entry.md §1 and hemkit.cddl §7: an entry's fields, and the one key space of its details. */
const ENTRY_NAMES: ReadonlyMap<number, string> = new Map([[1, 'index'], [2, 'time'], [3, 'bootCount'], [4, 'kind'], [5, 'details']]);
const DETAIL_NAMES: ReadonlyMap<number, string> = new Map(
  ['licenceId', 'licenceHash', 'sequenceNumber', 'reason', 'workloadCommitment', 'precisionClass', 'clusterSize', 'ops', 'busyChipSeconds', 'interconnectBytes', 'firmwareMeasurement', 'svn', 'previousMeasurement', 'revocationId', 'licenceIds', 'sensor'].map((n, i) => [i + 1, n]),
);

interface MapRule {
  readonly names: ReadonlyMap<number, string>;
  /** The context of the value under a named key (default: any). */
  readonly values?: Readonly<Record<string, Context>>;
}

const MAPS: Partial<Record<Context, MapRule>> = {
  claims: { names: CLAIM_NAMES, values: { counters: 'counters', logHead: 'log-head', licenceState: 'licence-state', cnf: 'cnf', precisionClasses: 'precision-list' } },
  headers: { names: HEADER_NAMES },
  'cose-key': { names: COSE_KEY_NAMES },
  cnf: { names: new Map([[1, 'COSE_Key']]), values: { COSE_Key: 'cose-key' } },
  bundle: {
    names: byKey(evidenceBundle),
    values: { checkpoints: 'bundle-members', consistencyReceipts: 'bundle-members', licences: 'bundle-members', entries: 'disclosed-entries' },
  },
  'disclosed-entry': { names: byKey(disclosedEntry), values: { entry: 'log-entry', opening: 'opening' } },
  opening: { names: byKey(logEntryOpening), values: { workloadDescriptor: 'workload-descriptor' } },
  'workload-descriptor': { names: byKey(workloadDescriptor) },
  'log-entry': { names: ENTRY_NAMES, values: { details: 'log-entry-details' } },
  'log-entry-details': { names: DETAIL_NAMES },
  // params and result are each command's own record (module-commands.md §3): their keys stay bare.
  'module-message': { names: ENVELOPE_NAMES },
  counters: { names: byKey(counters), values: { opsByPrecision: 'ops-by-precision' } },
  'ops-by-precision': { names: PRECISION_NAMES },
  'log-head': { names: byKey(logHead) },
  'licence-state': { names: byKey(licenceState) },
};

/** RFC 9052 §4.2 and §4.1: the positions of COSE_Sign1, COSE_Sign and COSE_Signature. */
const ARRAYS: Partial<Record<Context, readonly (readonly [string, Context])[]>> = {
  'cose-sign1': [['protected', 'headers'], ['unprotected', 'headers'], ['payload', 'claims'], ['signature', 'any']],
  'cose-sign': [['protected', 'headers'], ['unprotected', 'headers'], ['payload', 'claims'], ['signatures', 'cose-signatures']],
  'cose-signature': [['protected', 'headers'], ['unprotected', 'headers'], ['signature', 'any']],
};
/** Arrays whose every element is in one context. */
const ELEMENTS: Partial<Record<Context, Context>> = { 'cose-signatures': 'cose-signature', 'disclosed-entries': 'disclosed-entry', 'bundle-members': 'any' };

/** The tag that decides its content's context (RFC 9052 §2: 18 COSE_Sign1, 98 COSE_Sign). */
const TAGS: ReadonlyMap<bigint, Context> = new Map([[18n, 'cose-sign1'], [98n, 'cose-sign'], [61n, 'claims']]);

/** The named tree of `item`, read in `context` (the family the page recognised, for the top). */
export function nameTree(item: LaidItem, context: Context, name?: string): NamedNode {
  const base = name === undefined ? {} : { name };
  if (item.kind === 'tag') {
    return { item, ...base, children: [nameTree(item.children[0]!, TAGS.get(item.argument) ?? 'any')] };
  }
  if (item.kind === 'bytes' && item.embedded !== undefined) {
    return { item, ...base, children: [], embedded: nameTree(item.embedded, context) };
  }
  if (item.kind === 'array') {
    const positions = ARRAYS[context];
    const each = ELEMENTS[context] ?? 'any';
    const readAs = context === 'precision-list' ? { readAs: 'precisionClass' } : {};
    return {
      item,
      ...base,
      children: item.children.map((c, i) => (positions?.[i] ? nameTree(c, positions[i]![1], positions[i]![0]) : { ...nameTree(c, each, `[${i}]`), ...readAs })),
    };
  }
  if (item.kind === 'map') {
    const rule = MAPS[context];
    const children: NamedNode[] = [];
    for (let i = 0; i + 1 < item.children.length; i += 2) {
      const keyItem = item.children[i]!;
      const key = keyItem.kind === 'uint' ? Number(keyItem.argument) : keyItem.kind === 'nint' ? -1 - Number(keyItem.argument) : undefined;
      const fieldName = key === undefined ? undefined : rule?.names.get(key);
      const valueContext = (fieldName !== undefined ? rule?.values?.[fieldName] : undefined) ?? 'any';
      const value = nameTree(item.children[i + 1]!, valueContext, fieldName);
      children.push({ ...value, key: { item: keyItem, children: [] } });
    }
    return { item, ...base, children };
  }
  return { item, ...base, children: [] };
}
