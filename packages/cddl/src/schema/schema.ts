/** A parsed and linked CDDL schema, and the lookups the validator needs from it. */
import type { GroupEntry, GroupNode, Literal, Rule, Type1Node, Type2Node, TypeNode } from './ast.js';

export class CddlSchema {
  /** Every rule by name, the prelude's included (RFC 8610 Appendix D). */
  readonly rules: ReadonlyMap<string, Rule>;
  /** The rule a schema is about when no rule is named: its first rule (RFC 8610 §3.1). */
  readonly root: string;
  /** The schema's own rules, in the order the text defines them. */
  readonly ruleNames: readonly string[];
  /** Things that are legal CDDL but worth a reader's attention, such as a redefined prelude rule. */
  readonly warnings: readonly string[];

  constructor(rules: ReadonlyMap<string, Rule>, ruleNames: readonly string[], warnings: readonly string[]) {
    this.rules = rules;
    this.ruleNames = ruleNames;
    this.root = ruleNames[0]!;
    this.warnings = warnings;
  }

  has(name: string): boolean {
    return this.rules.has(name);
  }

  /** The group a keyless group entry stands for, when it names a group rule or unwraps a map or array. */
  splicedGroup(entry: GroupEntry): GroupNode | undefined {
    if (entry.kind !== 'member' || entry.key !== undefined || entry.value.choices.length !== 1) return undefined;
    const only = entry.value.choices[0]!;
    if (only.kind === 'ref') {
      const rule = this.rules.get(only.name);
      return rule?.kind === 'group' ? rule.group : undefined;
    }
    if (only.kind === 'unwrap') {
      const target = this.unwrapTarget(only.name);
      return target && (target.kind === 'map' || target.kind === 'array') ? target.group : undefined;
    }
    return undefined;
  }

  /** The map, array or tag a `~name` unwraps (RFC 8610 §3.7), following rule references. */
  unwrapTarget(name: string): Type2Node | undefined {
    const seen = new Set<string>();
    let current = name;
    for (;;) {
      if (seen.has(current)) return undefined;
      seen.add(current);
      const rule = this.rules.get(current);
      if (rule?.kind !== 'type' || rule.type.choices.length !== 1) return undefined;
      const only = unparen(rule.type.choices[0]!);
      if (only.kind === 'ref') current = only.name;
      else if (only.kind === 'map' || only.kind === 'array' || only.kind === 'tag') return only;
      else return undefined;
    }
  }

  /** The literal a type stands for, when it is exactly one value (possibly through named rules). */
  literalOf(node: TypeNode | Type1Node, seen: ReadonlySet<string> = new Set()): Literal | undefined {
    if ('choices' in node) return node.choices.length === 1 ? this.literalOf(node.choices[0]!, seen) : undefined;
    switch (node.kind) {
      case 'value':
        return node.value;
      case 'paren':
        return this.literalOf(node.type, seen);
      case 'ref': {
        const rule = this.rules.get(node.name);
        if (rule?.kind !== 'type' || seen.has(node.name)) return undefined;
        return this.literalOf(rule.type, new Set([...seen, node.name]));
      }
      default:
        return undefined;
    }
  }

  /**
   * The largest byte count a `.size` controller allows, for `uint .size N` (RFC 8610 §3.8.1: the
   * value fits in N bytes). Handles a number, a range, and choices of those.
   */
  sizeBound(node: TypeNode | Type1Node, seen: ReadonlySet<string> = new Set()): bigint | undefined {
    if ('choices' in node) {
      let max: bigint | undefined;
      for (const c of node.choices) {
        const b = this.sizeBound(c, seen);
        if (b === undefined) return undefined;
        if (max === undefined || b > max) max = b;
      }
      return max;
    }
    switch (node.kind) {
      case 'value':
        return node.value.kind === 'int' ? node.value.value : undefined;
      case 'range': {
        const hi = this.literalOf(node.hi, seen);
        if (hi?.kind !== 'int') return undefined;
        return node.inclusive ? hi.value : hi.value - 1n;
      }
      case 'paren':
        return this.sizeBound(node.type, seen);
      case 'ref': {
        const rule = this.rules.get(node.name);
        if (rule?.kind !== 'type' || seen.has(node.name)) return undefined;
        return this.sizeBound(rule.type, new Set([...seen, node.name]));
      }
      default:
        return undefined;
    }
  }
}

function unparen(node: Type1Node): Type1Node {
  let n = node;
  while (n.kind === 'paren' && n.type.choices.length === 1) n = n.type.choices[0]!;
  return n;
}
