/**
 * A recursive-descent parser for the CDDL grammar of RFC 8610 Appendix B (with the text escapes and the
 * comments in byte strings of RFC 9682). It reads characters directly rather than tokens: CDDL's lexical rules depend on
 * context (`1*3` is an occurrence, `0..4` a range, `h'00'` bytes, `bstr .size` needs the space).
 *
 * The output is one definition per rule, its right-hand side read as a group entry; whether a rule
 * is a type or a group is decided afterwards (link.ts), once every name is known.
 */
import { HemkitError } from '@hemkit/wire/errors';
import {
  CONTROL_OPERATORS,
  type ControlOperator,
  type GroupEntry,
  type GroupNode,
  type Literal,
  type MemberKey,
  type Occurrence,
  type SourcePos,
  type Type1Node,
  type Type2Node,
  type TypeNode,
} from './ast.js';
import { fromBase64, fromHex } from '@hemkit/wire/bytes';

export type Assignment = '=' | '/=' | '//=';

export interface Definition {
  readonly name: string;
  readonly assign: Assignment;
  readonly entry: GroupEntry;
  readonly pos: SourcePos;
}

const UNBOUNDED = Number.POSITIVE_INFINITY;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
// RFC 8610 Appendix B: EALPHA = ALPHA / "@" / "_" / "$".
const isEalpha = (c: string | undefined): boolean => c !== undefined && /[A-Za-z@_$]/.test(c);

export function parseDefinitions(text: string): Definition[] {
  return new Parser(text).parseAll();
}

class Parser {
  private pos = 0;
  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }

  parseAll(): Definition[] {
    const out: Definition[] = [];
    this.skipS();
    while (this.pos < this.text.length) {
      out.push(this.parseRule());
      this.skipS();
    }
    if (out.length === 0) this.fail('the schema defines no rule (RFC 8610 §3.1 needs at least one)');
    return out;
  }

  // --- positions and errors ---

  position(at: number = this.pos): SourcePos {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - this.lineStarts[lo]! + 1 };
  }

  private fail(message: string, at: number = this.pos): never {
    const { line, column } = this.position(at);
    throw new HemkitError('CDDL_SYNTAX', `${line}:${column}: ${message}`);
  }

  private unsupported(message: string, at: number = this.pos): never {
    const { line, column } = this.position(at);
    throw new HemkitError('CDDL_UNSUPPORTED_FEATURE', `${line}:${column}: ${message}`);
  }

  private describeHere(): string {
    if (this.pos >= this.text.length) return 'the end of the schema';
    const rest = this.text.slice(this.pos, this.pos + 12).split('\n')[0]!;
    return `'${rest}'`;
  }

  private peek(offset = 0): string | undefined {
    return this.text[this.pos + offset];
  }

  private startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  private expect(s: string, what: string): void {
    if (!this.startsWith(s)) this.fail(`expected ${what}, found ${this.describeHere()}`);
    this.pos += s.length;
  }

  /** S = *WS, with comments running from ";" to the end of the line (RFC 8610 Appendix B). */
  private skipS(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos++;
      else if (c === ';') {
        while (this.pos < t.length && t[this.pos] !== '\n') this.pos++;
      } else break;
    }
  }

  private located(start: number): { src: string; pos: SourcePos } {
    return { src: this.text.slice(start, this.pos), pos: this.position(start) };
  }

  // --- rules ---

  private parseRule(): Definition {
    const start = this.pos;
    if (!isEalpha(this.peek())) this.fail(`expected a rule name, found ${this.describeHere()}`);
    const name = this.parseId();
    if (this.peek() === '<') this.unsupported(`rule '${name}' has generic parameters; generics are not supported`);
    this.skipS();
    let assign: Assignment;
    if (this.startsWith('//=')) assign = '//=';
    else if (this.startsWith('/=')) assign = '/=';
    else if (this.startsWith('=') && !this.startsWith('=>')) assign = '=';
    else this.fail(`expected '=', '/=' or '//=' after the rule name '${name}', found ${this.describeHere()}`);
    this.pos += assign.length;
    this.skipS();
    const entry = this.parseGroupEntry();
    return { name, assign, entry, pos: this.position(start) };
  }

  /** id = EALPHA *(*("-" / ".") (EALPHA / DIGIT)) */
  private parseId(): string {
    const start = this.pos;
    const t = this.text;
    if (!isEalpha(t[this.pos])) this.fail(`expected a name, found ${this.describeHere()}`);
    this.pos++;
    for (;;) {
      let p = this.pos;
      while (t[p] === '-' || t[p] === '.') p++;
      if (isEalpha(t[p]) || isDigit(t[p])) this.pos = p + 1;
      else break;
    }
    const id = t.slice(start, this.pos);
    if (id.startsWith('$')) this.unsupported(`'${id}' is a socket; sockets ($name, $$name) are not supported`, start);
    return id;
  }

  // --- groups ---

  /** grpent = [occur S] [memberkey S] type / [occur S] groupname / [occur S] "(" S group S ")" */
  private parseGroupEntry(): GroupEntry {
    const start = this.pos;
    const occur = this.parseOccurrence();
    if (occur) this.skipS();
    if (this.peek() === '(') {
      const parenStart = this.pos;
      this.pos++;
      const group = this.parseGroup(')', parenStart);
      this.pos++;
      const afterParen = this.pos;
      this.skipS();
      if (!this.continuesAsType()) {
        this.pos = afterParen;
        return { kind: 'group', occur, group, ...this.located(start) };
      }
      this.pos = afterParen;
      const type = groupAsType(group);
      if (!type) this.fail('a parenthesised group is used as a type (a key or an operand)', parenStart);
      const paren: Type2Node = { kind: 'paren', type, ...this.located(parenStart) };
      return this.finishMember(start, occur, this.parseType1Rest(paren, parenStart), parenStart);
    }
    const typeStart = this.pos;
    return this.finishMember(start, occur, this.parseType1(), typeStart);
  }

  /** After a parenthesised group: does a key arrow, range, control or type choice follow? */
  private continuesAsType(): boolean {
    if (this.startsWith('=>') || this.startsWith('^') || this.startsWith('..')) return true;
    if (this.peek() === '.' && isEalpha(this.peek(1))) return true;
    return this.peek() === '/' && this.peek(1) !== '/' && this.peek(1) !== '=';
  }

  private finishMember(start: number, occur: Occurrence | undefined, first: Type1Node, firstStart: number): GroupEntry {
    const afterFirst = this.pos;
    this.skipS();
    let key: MemberKey | undefined;
    if (this.startsWith('^')) {
      this.pos++;
      this.skipS();
      this.expect('=>', "'=>' after the cut '^'");
      key = { type: first, cut: true, bareword: undefined };
    } else if (this.startsWith('=>')) {
      this.pos += 2;
      key = { type: first, cut: false, bareword: undefined };
    } else if (this.peek() === ':' && (first.kind === 'ref' || first.kind === 'value')) {
      this.pos++;
      // RFC 8610 §3.5.1: "bareword:" is the text string of that name; "value:" is that value.
      // Both forms imply a cut (§3.5.4).
      key =
        first.kind === 'ref'
          ? {
              type: { kind: 'value', value: { kind: 'text', value: first.name }, src: `"${first.name}"`, pos: first.pos },
              cut: true,
              bareword: first.name,
            }
          : { type: first, cut: true, bareword: undefined };
    }
    if (key) {
      this.skipS();
      const value = this.parseType();
      return { kind: 'member', occur, key, value, ...this.located(start) };
    }
    this.pos = afterFirst;
    const value = this.parseTypeRest(first, firstStart);
    return { kind: 'member', occur, key: undefined, value, ...this.located(start) };
  }

  /** group = grpchoice *(S "//" S grpchoice); the caller consumes the closing bracket. */
  private parseGroup(close: string, openedAt: number): GroupNode {
    const start = this.pos;
    const choices: GroupEntry[][] = [[]];
    for (;;) {
      this.skipS();
      if (this.pos >= this.text.length) {
        const { line, column } = this.position(openedAt);
        this.fail(`'${this.text[openedAt]}' opened at ${line}:${column} is never closed`);
      }
      if (this.peek() === close) break;
      if (this.startsWith('//')) {
        this.pos += 2;
        choices.push([]);
        continue;
      }
      const before = this.pos;
      choices[choices.length - 1]!.push(this.parseGroupEntry());
      if (this.pos === before) this.fail(`unexpected ${this.describeHere()}`);
      this.skipS();
      // optcom: the comma between entries is optional (RFC 8610 Appendix B).
      if (this.peek() === ',') this.pos++;
    }
    return { choices, ...this.located(start) };
  }

  /** occur = [uint] "*" [uint] / "+" / "?" — no space inside (RFC 8610 Appendix B). */
  private parseOccurrence(): Occurrence | undefined {
    const c = this.peek();
    if (c === '?') {
      this.pos++;
      return { min: 0, max: 1 };
    }
    if (c === '+') {
      this.pos++;
      return { min: 1, max: UNBOUNDED };
    }
    if (c === '*') {
      this.pos++;
      const max = this.tryOccurrenceBound();
      return { min: 0, max: max ?? UNBOUNDED };
    }
    if (isDigit(c)) {
      const save = this.pos;
      const min = this.tryOccurrenceBound();
      if (min !== undefined && this.peek() === '*') {
        this.pos++;
        const max = this.tryOccurrenceBound() ?? UNBOUNDED;
        if (max < min) this.fail(`occurrence ${min}*${max} has its maximum below its minimum`, save);
        return { min, max };
      }
      this.pos = save;
    }
    return undefined;
  }

  private tryOccurrenceBound(): number | undefined {
    const m = /^(0x[0-9a-fA-F]+|0b[01]+|[0-9]+)/.exec(this.text.slice(this.pos, this.pos + 24));
    if (!m) return undefined;
    this.pos += m[0].length;
    return Number(m[0]);
  }

  // --- types ---

  /** type = type1 *(S "/" S type1) */
  private parseType(): TypeNode {
    const start = this.pos;
    return this.parseTypeRest(this.parseType1(), start);
  }

  private parseTypeRest(first: Type1Node, start: number): TypeNode {
    const choices: Type1Node[] = [first];
    for (;;) {
      const save = this.pos;
      this.skipS();
      if (this.peek() === '/' && this.peek(1) !== '/' && this.peek(1) !== '=') {
        this.pos++;
        this.skipS();
        choices.push(this.parseType1());
      } else {
        this.pos = save;
        break;
      }
    }
    return { choices, ...this.located(start) };
  }

  /** type1 = type2 [S (rangeop / ctlop) S type2] */
  private parseType1(): Type1Node {
    const start = this.pos;
    return this.parseType1Rest(this.parseType2(), start);
  }

  private parseType1Rest(lo: Type2Node, start: number): Type1Node {
    const save = this.pos;
    this.skipS();
    if (this.startsWith('..')) {
      const inclusive = !this.startsWith('...');
      this.pos += inclusive ? 2 : 3;
      this.skipS();
      const hi = this.parseType2();
      return { kind: 'range', lo, hi, inclusive, ...this.located(start) };
    }
    if (this.peek() === '.' && isEalpha(this.peek(1))) {
      const opStart = this.pos;
      this.pos++;
      const name = this.parseId();
      if (!(CONTROL_OPERATORS as readonly string[]).includes(name)) {
        this.unsupported(`control operator .${name} is not supported (supported: ${CONTROL_OPERATORS.map((o) => `.${o}`).join(' ')})`, opStart);
      }
      this.skipS();
      const controller = this.parseType2();
      return { kind: 'control', op: name as ControlOperator, target: lo, controller, ...this.located(start) };
    }
    this.pos = save;
    return lo;
  }

  private parseType2(): Type2Node {
    const start = this.pos;
    const c = this.peek();
    if (c === '"') return { kind: 'value', value: { kind: 'text', value: this.parseText() }, ...this.located(start) };
    if (c === "'" || this.startsWith("h'") || this.startsWith("b64'")) {
      return { kind: 'value', value: { kind: 'bytes', value: this.parseBytes() }, ...this.located(start) };
    }
    if (isDigit(c) || (c === '-' && isDigit(this.peek(1)))) {
      return { kind: 'value', value: this.parseNumber(), ...this.located(start) };
    }
    if (c === '(') {
      this.pos++;
      this.skipS();
      const type = this.parseType();
      this.skipS();
      this.expect(')', "')'");
      return { kind: 'paren', type, ...this.located(start) };
    }
    if (c === '{' || c === '[') {
      this.pos++;
      const group = this.parseGroup(c === '{' ? '}' : ']', start);
      this.pos++;
      return { kind: c === '{' ? 'map' : 'array', group, ...this.located(start) };
    }
    if (c === '~') {
      this.pos++;
      this.skipS();
      const name = this.parseRefName();
      return { kind: 'unwrap', name, ...this.located(start) };
    }
    if (c === '&') {
      this.pos++;
      this.skipS();
      if (this.peek() === '(') {
        const parenStart = this.pos;
        this.pos++;
        const group = this.parseGroup(')', parenStart);
        this.pos++;
        return { kind: 'enum', group, ...this.located(start) };
      }
      const nameStart = this.pos;
      const name = this.parseRefName();
      const ref: GroupEntry = {
        kind: 'member',
        occur: undefined,
        key: undefined,
        value: { choices: [{ kind: 'ref', name, ...this.located(nameStart) }], ...this.located(nameStart) },
        ...this.located(nameStart),
      };
      return { kind: 'enum', group: { choices: [[ref]], ...this.located(nameStart) }, ...this.located(start) };
    }
    if (c === '#') return this.parseHash(start);
    if (isEalpha(c)) {
      const name = this.parseRefName();
      return { kind: 'ref', name, ...this.located(start) };
    }
    return this.fail(`expected a type, found ${this.describeHere()}`);
  }

  private parseRefName(): string {
    const start = this.pos;
    const name = this.parseId();
    if (this.peek() === '<') this.unsupported(`'${name}<…>' has generic arguments; generics are not supported`, start);
    return name;
  }

  /** "#" "6" ["." uint] "(" S type S ")" / "#" DIGIT ["." uint] / "#" (RFC 8610 §3.6) */
  private parseHash(start: number): Type2Node {
    this.pos++;
    const d = this.peek();
    if (!isDigit(d)) return { kind: 'any', ...this.located(start) };
    this.pos++;
    const major = Number(d);
    if (major > 7) this.fail(`there is no major type ${major}`, start);
    let arg: bigint | undefined;
    if (this.peek() === '.' && isDigit(this.peek(1))) {
      this.pos++;
      const m = /^(0x[0-9a-fA-F]+|0b[01]+|[0-9]+)/.exec(this.text.slice(this.pos, this.pos + 40))!;
      this.pos += m[0].length;
      arg = BigInt(m[0]);
    }
    if (major === 6) {
      let content: TypeNode | undefined;
      if (this.peek() === '(') {
        this.pos++;
        this.skipS();
        content = this.parseType();
        this.skipS();
        this.expect(')', "')' closing the tag content");
      }
      return { kind: 'tag', tag: arg, content, ...this.located(start) };
    }
    if (arg !== undefined && major !== 7) {
      this.unsupported(`#${major}.${arg}: an argument on major type ${major} is not supported (only #6.n and #7.n)`, start);
    }
    return { kind: 'major', major, arg, ...this.located(start) };
  }

  // --- literals ---

  /** number = hexfloat / (int ["." fraction] ["e" exponent]); int = ["-"] uint */
  private parseNumber(): Literal {
    const start = this.pos;
    const rest = this.text.slice(this.pos, this.pos + 400);
    const based = /^-?0([xb])/.exec(rest);
    if (based) {
      const m = based[1] === 'x' ? /^(-?)0x([0-9a-fA-F]+)/.exec(rest) : /^(-?)0b([01]+)/.exec(rest);
      if (!m) this.fail('a 0x or 0b number needs digits');
      const after = rest[m[0].length];
      if (based[1] === 'x' && (after === '.' || after === 'p' || after === 'P')) {
        this.unsupported('hexadecimal floating-point literals are not supported');
      }
      this.pos += m[0].length;
      const magnitude = BigInt(`0${based[1]}${m[2]}`);
      return { kind: 'int', value: m[1] === '-' ? -magnitude : magnitude };
    }
    const m = /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(rest)!;
    this.pos += m[0].length;
    if (m[1] !== undefined || m[2] !== undefined) return { kind: 'float', value: Number(m[0]) };
    if (/^-?0[0-9]/.test(m[0])) this.fail('an integer may not have leading zeros (RFC 8610 Appendix B)', start);
    return { kind: 'int', value: BigInt(m[0]) };
  }

  /** text = DQUOTE *SCHAR DQUOTE, with the JSON-like escapes of RFC 9682. */
  private parseText(): string {
    const start = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === '\n' || c === '\r') this.fail('unterminated text string', start);
      this.pos++;
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      out += this.parseEscape('"');
    }
  }

  private parseEscape(quote: string): string {
    const at = this.pos - 1;
    const e = this.peek();
    this.pos++;
    switch (e) {
      case quote:
      case '\\':
      case '/':
        return e;
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u': {
        const braced = /^\{([0-9a-fA-F]{1,6})\}/.exec(this.text.slice(this.pos, this.pos + 8));
        if (braced) {
          this.pos += braced[0].length;
          const cp = parseInt(braced[1]!, 16);
          if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) this.fail(`\\u{${braced[1]}} is not a Unicode scalar value`, at);
          return String.fromCodePoint(cp);
        }
        const hex = this.text.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('\\u needs four hex digits', at);
        this.pos += 4;
        const unit = parseInt(hex, 16);
        if (unit >= 0xd800 && unit <= 0xdbff) {
          const low = /^\\u([dD][c-fC-F][0-9a-fA-F]{2})/.exec(this.text.slice(this.pos, this.pos + 6));
          if (!low) this.fail('a high surrogate escape must be followed by a low surrogate escape', at);
          this.pos += 6;
          return String.fromCharCode(unit, parseInt(low[1]!, 16));
        }
        if (unit >= 0xdc00 && unit <= 0xdfff) this.fail('a lone low surrogate escape', at);
        return String.fromCharCode(unit);
      }
      default:
        return this.fail(`unknown escape '\\${e ?? ''}'`, at);
    }
  }

  /** bytes = [bsqual] "'" *BCHAR "'" with bsqual "h" (hex) or "b64" (RFC 8610 Appendix B, G.2). */
  private parseBytes(): Uint8Array {
    const start = this.pos;
    const qualifier = this.startsWith("h'") ? 'h' : this.startsWith("b64'") ? 'b64' : '';
    this.pos += qualifier.length + 1;
    let body = '';
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail('unterminated byte string', start);
      this.pos++;
      if (c === "'") break;
      if (c === '\\' && qualifier === '') {
        body += this.parseEscape("'");
        continue;
      }
      body += c;
    }
    if (qualifier === '') return new TextEncoder().encode(body);
    if (qualifier === 'h') {
      // RFC 9682 allows comments inside h'' as well as white space.
      const digits = body.replace(/;[^\n]*/g, '').replace(/\s+/g, '');
      if (!/^[0-9a-fA-F]*$/.test(digits) || digits.length % 2 !== 0) {
        this.fail("h'…' must hold an even number of hex digits", start);
      }
      return fromHex(digits);
    }
    const b64 = body.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(b64)) this.fail("b64'…' holds characters outside base64 and base64url", start);
    try {
      return fromBase64(b64);
    } catch {
      return this.fail("b64'…' has a length that no base64 text has", start);
    }
  }
}

/**
 * `( type )` and `( group )` are one production in the grammar; a parenthesised group of exactly
 * one keyless entry without occurrence is also a type, as in "[+ (tstr / int)]".
 */
export function groupAsType(group: GroupNode): TypeNode | undefined {
  if (group.choices.length !== 1 || group.choices[0]!.length !== 1) return undefined;
  const only = group.choices[0]![0]!;
  if (only.occur !== undefined) return undefined;
  if (only.kind === 'group') return groupAsType(only.group);
  return only.key === undefined ? only.value : undefined;
}
