/**
 * The syntax tree of a CDDL schema, shaped after the ABNF of RFC 8610 Appendix B: a type is a choice
 * of type1s (`/`), a type1 is a type2 with at most one range or control operator, a group is a
 * choice (`//`) of sequences of group entries. Every node keeps its source text, so a validation
 * failure can say what was expected in the schema's own words.
 */

/** 1-based line and column in the schema text. */
export interface SourcePos {
  readonly line: number;
  readonly column: number;
}

interface Located {
  /** The node's text in the schema, as written. */
  readonly src: string;
  readonly pos: SourcePos;
}

/** Values (RFC 8610 Appendix B): integers are exact (bigint); a number with a fraction or exponent is a float. */
export type Literal =
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'text'; readonly value: string }
  | { readonly kind: 'bytes'; readonly value: Uint8Array };

export interface TypeNode extends Located {
  readonly choices: readonly Type1Node[];
}

/** The control operators this checker implements (RFC 8610 §3.8; those of RFC 9165 are not). */
export const CONTROL_OPERATORS = [
  'size',
  'bits',
  'cbor',
  'lt',
  'le',
  'gt',
  'ge',
  'eq',
  'ne',
  'default',
  'within',
  'and',
] as const;
export type ControlOperator = (typeof CONTROL_OPERATORS)[number];

export type Type1Node =
  | Type2Node
  | (Located & { readonly kind: 'range'; readonly lo: Type2Node; readonly hi: Type2Node; readonly inclusive: boolean })
  | (Located & {
      readonly kind: 'control';
      readonly op: ControlOperator;
      readonly target: Type2Node;
      readonly controller: Type2Node;
    });

export type Type2Node = Located &
  (
    | { readonly kind: 'value'; readonly value: Literal }
    | { readonly kind: 'ref'; readonly name: string }
    | { readonly kind: 'paren'; readonly type: TypeNode }
    | { readonly kind: 'map'; readonly group: GroupNode }
    | { readonly kind: 'array'; readonly group: GroupNode }
    /** `~name` (RFC 8610 §3.7): the content of a tag, or the group of a map or array. */
    | { readonly kind: 'unwrap'; readonly name: string }
    /** `&group` (RFC 8610 Appendix B, type2): a choice of the group's value types. */
    | { readonly kind: 'enum'; readonly group: GroupNode }
    /** `#6.n(type)`, `#6(type)`, `#6.n` (RFC 8610 §3.6); an absent part matches any. */
    | { readonly kind: 'tag'; readonly tag: bigint | undefined; readonly content: TypeNode | undefined }
    /** `#m` and `#7.ai` (RFC 8610 §3.6 and Appendix D). */
    | { readonly kind: 'major'; readonly major: number; readonly arg: bigint | undefined }
    /** `#` alone: any data item. */
    | { readonly kind: 'any' }
  );

/** `?` is 0..1, `*` 0..∞, `+` 1..∞, `n*m` n..m (RFC 8610 §3.2). */
export interface Occurrence {
  readonly min: number;
  readonly max: number;
}

export interface MemberKey {
  readonly type: Type1Node;
  /** `^ =>` or the `:` form (RFC 8610 §3.5.4): once the key matches, the value must match too. */
  readonly cut: boolean;
  /** The name of a `bareword:` key, which is the text string of that name. */
  readonly bareword: string | undefined;
}

export type GroupEntry = Located &
  (
    | {
        readonly kind: 'member';
        readonly occur: Occurrence | undefined;
        readonly key: MemberKey | undefined;
        readonly value: TypeNode;
      }
    | { readonly kind: 'group'; readonly occur: Occurrence | undefined; readonly group: GroupNode }
  );

export interface GroupNode extends Located {
  readonly choices: readonly (readonly GroupEntry[])[];
}

/**
 * One named rule. A name in a group that refers to a group rule splices that group in (RFC 8610
 * Appendix B, grpent = groupname), so whether a rule is a type or a group matters wherever it is used.
 */
export type Rule =
  | { readonly kind: 'type'; readonly name: string; readonly type: TypeNode; readonly pos: SourcePos; readonly prelude: boolean }
  | { readonly kind: 'group'; readonly name: string; readonly group: GroupNode; readonly pos: SourcePos; readonly prelude: boolean };
