/**
 * Turns parsed definitions into a CddlSchema: merges `/=` and `//=` extensions (RFC 8610 Appendix B),
 * decides which rules are groups, adds the prelude (Appendix D), and checks every name and
 * operand before any data is seen, so that a schema error is never reported as a data error.
 */
import { HemkitError } from '@hemkit/wire/errors';
import type { GroupEntry, GroupNode, Rule, SourcePos, Type1Node, Type2Node, TypeNode } from './ast.js';
import { groupAsType, parseDefinitions, type Definition } from './parse.js';
import { PRELUDE } from './prelude.js';
import { CddlSchema } from './schema.js';

type Shape = { kind: 'type'; type: TypeNode } | { kind: 'group'; group: GroupNode };

/** Parses and links a CDDL schema. Throws CDDL_SYNTAX, CDDL_UNDEFINED_RULE or CDDL_UNSUPPORTED_FEATURE. */
export function parseCddl(text: string): CddlSchema {
  if (typeof text !== 'string') throw new HemkitError('CDDL_SYNTAX', 'parseCddl expects the schema text as a string');
  const definitions = parseDefinitions(text);
  const own = buildRules(definitions, false);
  const prelude = preludeRules();
  const rules = new Map<string, Rule>(prelude);
  const warnings: string[] = [];
  for (const [name, rule] of own) {
    if (prelude.has(name)) {
      warnings.push(
        `${at(rule.pos)}: '${name}' redefines the RFC 8610 prelude rule of that name; this schema's definition is used`,
      );
    }
    rules.set(name, rule);
  }
  const names: string[] = [];
  for (const d of definitions) if (!names.includes(d.name)) names.push(d.name);
  const schema = new CddlSchema(rules, names, warnings);
  new Checker(schema).checkAll(names.map((n) => rules.get(n)!));
  return schema;
}

let preludeCache: ReadonlyMap<string, Rule> | undefined;

function preludeRules(): ReadonlyMap<string, Rule> {
  preludeCache ??= buildRules(parseDefinitions(PRELUDE), true);
  return preludeCache;
}

const at = (pos: SourcePos): string => `${pos.line}:${pos.column}`;

function syntax(pos: SourcePos, message: string): never {
  throw new HemkitError('CDDL_SYNTAX', `${at(pos)}: ${message}`);
}

function shapeOf(entry: GroupEntry): Shape {
  if (entry.occur === undefined) {
    if (entry.kind === 'member' && entry.key === undefined) return { kind: 'type', type: entry.value };
    if (entry.kind === 'group') {
      const type = groupAsType(entry.group);
      return type ? { kind: 'type', type } : { kind: 'group', group: entry.group };
    }
  }
  return { kind: 'group', group: { choices: [[entry]], src: entry.src, pos: entry.pos } };
}

function asGroup(shape: Shape, pos: SourcePos): GroupNode {
  if (shape.kind === 'group') return shape.group;
  const entry: GroupEntry = { kind: 'member', occur: undefined, key: undefined, value: shape.type, src: shape.type.src, pos };
  return { choices: [[entry]], src: shape.type.src, pos };
}

function buildRules(definitions: readonly Definition[], prelude: boolean): Map<string, Rule> {
  const base = new Map<string, Definition>();
  const extensions = new Map<string, Definition[]>();
  for (const d of definitions) {
    if (d.assign === '=') {
      const earlier = base.get(d.name);
      if (earlier) syntax(d.pos, `'${d.name}' is already defined at ${at(earlier.pos)}; use /= or //= to add choices`);
      base.set(d.name, d);
    } else {
      extensions.set(d.name, [...(extensions.get(d.name) ?? []), d]);
    }
  }

  const shapes = new Map<string, { shape: Shape; pos: SourcePos }>();
  for (const d of definitions) {
    if (shapes.has(d.name)) continue;
    const first = base.get(d.name) ?? extensions.get(d.name)![0]!;
    let shape = shapeOf(first.entry);
    for (const ext of extensions.get(d.name) ?? []) {
      if (ext === first) continue;
      shape = extend(shape, ext);
    }
    shapes.set(d.name, { shape, pos: first.pos });
  }

  // A rule written as a type that is just the name of a group rule is that group.
  const kinds = new Map<string, 'type' | 'group'>();
  const kindOf = (name: string, seen: Set<string>): 'type' | 'group' | undefined => {
    const known = kinds.get(name);
    if (known) return known;
    const s = shapes.get(name);
    if (!s) return undefined;
    if (s.shape.kind === 'group') return 'group';
    const only = s.shape.type.choices.length === 1 ? s.shape.type.choices[0]! : undefined;
    if (only?.kind === 'ref' && !seen.has(name)) {
      seen.add(name);
      return kindOf(only.name, seen) === 'group' ? 'group' : 'type';
    }
    return 'type';
  };
  for (const name of shapes.keys()) kinds.set(name, kindOf(name, new Set()) ?? 'type');

  const rules = new Map<string, Rule>();
  for (const [name, { shape, pos }] of shapes) {
    rules.set(
      name,
      kinds.get(name) === 'group'
        ? { kind: 'group', name, group: asGroup(shape, pos), pos, prelude }
        : { kind: 'type', name, type: (shape as { type: TypeNode }).type, pos, prelude },
    );
  }
  return rules;
}

function extend(shape: Shape, ext: Definition): Shape {
  const added = shapeOf(ext.entry);
  if (ext.assign === '/=') {
    if (shape.kind !== 'type' || added.kind !== 'type') syntax(ext.pos, `'/=' adds type choices, but '${ext.name}' is a group`);
    const choices = [...shape.type.choices, ...added.type.choices];
    return { kind: 'type', type: { choices, src: `${shape.type.src} / ${added.type.src}`, pos: shape.type.pos } };
  }
  const group = asGroup(shape, ext.pos);
  const more = asGroup(added, ext.pos);
  return { kind: 'group', group: { choices: [...group.choices, ...more.choices], src: `${group.src} // ${more.src}`, pos: group.pos } };
}

/**
 * Walks every rule once. Undefined names are collected and reported together (the first one's
 * position leads), so one run of the checker shows all of them.
 */
class Checker {
  private readonly undefinedNames = new Map<string, SourcePos>();

  constructor(private readonly schema: CddlSchema) {}

  checkAll(rules: readonly Rule[]): void {
    for (const rule of rules) {
      if (rule.kind === 'type') this.type(rule.type);
      else this.group(rule.group, false);
    }
    if (this.undefinedNames.size > 0) {
      const [[first, pos], ...rest] = [...this.undefinedNames] as [[string, SourcePos], ...[string, SourcePos][]];
      const more = rest.length > 0 ? ` (also undefined: ${rest.map(([n, p]) => `'${n}' at ${at(p)}`).join(', ')})` : '';
      throw new HemkitError('CDDL_UNDEFINED_RULE', `${at(pos)}: '${first}' is not defined${more}`);
    }
    for (const rule of rules) this.checkRecursion(rule);
  }

  private ruleOf(name: string, pos: SourcePos): Rule | undefined {
    const rule = this.schema.rules.get(name);
    if (!rule && !this.undefinedNames.has(name)) this.undefinedNames.set(name, pos);
    return rule;
  }

  private type(node: TypeNode): void {
    for (const c of node.choices) this.type1(c);
  }

  private type1(node: Type1Node): void {
    switch (node.kind) {
      case 'range': {
        this.type2(node.lo);
        this.type2(node.hi);
        if (this.undefinedNames.size > 0) return;
        const lo = this.schema.literalOf(node.lo);
        const hi = this.schema.literalOf(node.hi);
        const numeric = (k: string | undefined) => k === 'int' || k === 'float';
        if (!numeric(lo?.kind) || lo?.kind !== hi?.kind) {
          syntax(node.pos, `range '${node.src}' needs two integer or two float values`);
        }
        return;
      }
      case 'control':
        this.type2(node.target);
        this.type2(node.controller);
        if (this.undefinedNames.size > 0) return;
        if (['lt', 'le', 'gt', 'ge'].includes(node.op)) {
          const lit = this.schema.literalOf(node.controller);
          if (lit?.kind !== 'int' && lit?.kind !== 'float') {
            syntax(node.pos, `.${node.op} needs a number to compare with (RFC 8610 §3.8.6)`);
          }
        }
        if (node.op === 'eq' || node.op === 'ne') {
          if (!this.schema.literalOf(node.controller)) syntax(node.pos, `.${node.op} needs a value to compare with`);
        }
        return;
      default:
        this.type2(node);
    }
  }

  private type2(node: Type2Node): void {
    switch (node.kind) {
      case 'ref': {
        const rule = this.ruleOf(node.name, node.pos);
        if (rule?.kind === 'group') syntax(node.pos, `'${node.name}' is a group; it cannot stand where a type is expected`);
        return;
      }
      case 'paren':
        this.type(node.type);
        return;
      case 'map':
        this.group(node.group, true);
        return;
      case 'array':
        this.group(node.group, false);
        return;
      case 'enum':
        this.group(node.group, false);
        return;
      case 'tag':
        if (node.content) this.type(node.content);
        return;
      case 'unwrap': {
        if (!this.ruleOf(node.name, node.pos)) return;
        if (this.schema.unwrapTarget(node.name)?.kind !== 'tag') {
          syntax(node.pos, `'~${node.name}' in a type position must unwrap a tag (RFC 8610 §3.7)`);
        }
        return;
      }
      default:
        return;
    }
  }

  private group(node: GroupNode, inMap: boolean): void {
    for (const choice of node.choices) for (const entry of choice) this.entry(entry, inMap);
  }

  private entry(entry: GroupEntry, inMap: boolean): void {
    if (entry.kind === 'group') {
      this.group(entry.group, inMap);
      return;
    }
    if (entry.key === undefined && entry.value.choices.length === 1) {
      const only = entry.value.choices[0]!;
      if (only.kind === 'ref') {
        const rule = this.ruleOf(only.name, only.pos);
        if (!rule) return;
        if (rule.kind === 'group') {
          if (inMap) this.keysOfGroupRule(rule, new Set());
          return;
        }
      } else if (only.kind === 'unwrap') {
        if (!this.ruleOf(only.name, only.pos)) return;
        const target = this.schema.unwrapTarget(only.name);
        if (inMap ? target?.kind === 'map' : target?.kind === 'array' || target?.kind === 'tag') return;
        syntax(only.pos, `'~${only.name}' here must unwrap ${inMap ? 'a map' : 'an array or a tag'} (RFC 8610 §3.7)`);
      }
    }
    if (inMap && entry.key === undefined) {
      syntax(entry.pos, `map member '${entry.src}' has no key; write 'key => type' or 'name: type' (RFC 8610 §3.5.1)`);
    }
    if (entry.key) this.type1(entry.key.type);
    this.type(entry.value);
  }

  /** A group rule spliced into a map: every entry it brings needs a key. */
  private keysOfGroupRule(rule: Rule & { kind: 'group' }, seen: Set<string>): void {
    if (seen.has(rule.name)) return;
    seen.add(rule.name);
    const visit = (group: GroupNode): void => {
      for (const choice of group.choices) {
        for (const entry of choice) {
          if (entry.kind === 'group') {
            visit(entry.group);
            continue;
          }
          if (entry.key !== undefined) continue;
          const inner = this.schema.splicedGroup(entry);
          const only = entry.value.choices[0]!;
          if (inner && only.kind === 'ref') this.keysOfGroupRule(this.schema.rules.get(only.name) as Rule & { kind: 'group' }, seen);
          else if (!inner) {
            syntax(entry.pos, `'${rule.name}' is used inside a map, but its member '${entry.src}' has no key (RFC 8610 §3.5.1)`);
          }
        }
      }
    };
    visit(rule.group);
  }

  /**
   * A rule that reaches itself without passing through a map, array or tag would make matching
   * loop forever (`a = b / int`, `b = a`); so would a group that contains itself.
   */
  private checkRecursion(rule: Rule): void {
    const visit = (name: string, path: readonly string[]): void => {
      if (path.includes(name)) {
        if (name === rule.name) {
          syntax(rule.pos, `'${rule.name}' refers to itself (${[...path, name].join(' → ')}) without an enclosing map, array or tag`);
        }
        return;
      }
      const r = this.schema.rules.get(name);
      if (!r || r.prelude) return;
      for (const next of unguardedRefs(r, this.schema)) visit(next, [...path, name]);
    };
    visit(rule.name, []);
  }
}

/** Names a rule's matching reaches before consuming a data item. */
function unguardedRefs(rule: Rule, schema: CddlSchema): string[] {
  const out: string[] = [];
  const type = (node: TypeNode): void => node.choices.forEach(type1);
  const type1 = (node: Type1Node): void => {
    if (node.kind === 'range') return;
    if (node.kind === 'control') {
      type2(node.target);
      if (node.op === 'within' || node.op === 'and') type2(node.controller);
      return;
    }
    type2(node);
  };
  const type2 = (node: Type2Node): void => {
    if (node.kind === 'ref') out.push(node.name);
    else if (node.kind === 'paren') type(node.type);
    else if (node.kind === 'unwrap') out.push(node.name);
    else if (node.kind === 'enum') group(node.group, true);
  };
  // In a group, a member's value is matched against an item of its own, so only spliced groups
  // (and, inside &(…), the values themselves) are reached without consuming anything.
  const group = (node: GroupNode, values: boolean): void => {
    for (const choice of node.choices) {
      for (const entry of choice) {
        if (entry.kind === 'group') group(entry.group, values);
        else if (schema.splicedGroup(entry)) {
          const only = entry.value.choices[0]!;
          if (only.kind === 'ref' || only.kind === 'unwrap') out.push(only.name);
        } else if (values) type(entry.value);
      }
    }
  };
  if (rule.kind === 'type') type(rule.type);
  else group(rule.group, false);
  return out;
}
