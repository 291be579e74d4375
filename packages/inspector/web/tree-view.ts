/**
 * The named tree: every item with its key, the spec's name for it, and its value read for people.
 * Containers fold; a byte string that carries a message shows that message inside it. Each row knows
 * its byte range, so the hex view and the tree select each other.
 */
import { integerOf, readable, type NamedNode } from '@hemkit/inspector';
import { copyButton, h, show } from './dom.js';

/** A map key as written: an integer in decimal (no separators: it is a label, not a count), text quoted. */
function keyOf(key: NamedNode, bytes: Uint8Array): string {
  const n = integerOf(key.item, bytes);
  return n === undefined ? readable(key.item, bytes).text : n.toString();
}

const TAG_NAMES: Readonly<Record<string, string>> = { '18': 'COSE_Sign1', '98': 'COSE_Sign', '61': 'CWT', '2': 'positive bignum', '3': 'negative bignum' };

export class TreeView {
  #rows = new Map<NamedNode, HTMLElement>();
  #root: NamedNode | undefined;
  #selected: HTMLElement | undefined;

  constructor(
    private readonly el: HTMLElement,
    private readonly onSelect: (node: NamedNode) => void,
  ) {}

  render(root: NamedNode, bytes: Uint8Array, title: string, faultAt?: number): void {
    this.#rows.clear();
    this.#root = root;
    this.#selected = undefined;
    show(this.el, h('ul', {}, this.#node(root, bytes, title, faultAt)));
  }

  #node(node: NamedNode, bytes: Uint8Array, label: string | undefined, faultAt: number | undefined): HTMLElement {
    const item = node.item;
    const r = readable(item, bytes, node.readAs ?? node.name);
    const keyText = node.key === undefined ? undefined : keyOf(node.key, bytes);
    const isBignum = item.kind === 'tag' && (item.argument === 2n || item.argument === 3n);
    const row = h(
      'span',
      { class: 'node', 'data-start': String(item.start), 'data-end': String(item.end), title: `bytes ${item.start}–${item.end - 1} (${item.end - item.start})` },
      keyText !== undefined ? h('span', { class: 'key' }, keyText) : null,
      keyText !== undefined && node.name !== undefined ? ' ' : null,
      node.name !== undefined ? h('span', { class: 'fname' }, node.name) : label !== undefined ? h('span', { class: 'fname' }, label) : null,
      node.name !== undefined || keyText !== undefined || label !== undefined ? ': ' : null,
      item.kind === 'tag' && !isBignum ? h('span', { class: 'kind' }, `tag ${item.argument}${TAG_NAMES[String(item.argument)] ? ` (${TAG_NAMES[String(item.argument)]})` : ''}`) : null,
      item.kind === 'bytes' && node.embedded !== undefined ? h('span', { class: 'kind' }, `bytes (${item.end - item.headEnd}) holding a message`) : null,
      (item.kind !== 'tag' || isBignum) && !(item.kind === 'bytes' && node.embedded !== undefined) ? h('span', { class: r.reading === 'container' ? 'kind' : 'value' }, r.text) : null,
      r.exact !== undefined && (r.reading === 'time' || r.reading === 'enum' || r.reading === 'text') && r.exact !== r.text ? h('span', { class: 'exact' }, ` (${r.exact})`) : null,
      r.copy !== undefined ? copyButton(r.copy) : null,
    );
    this.#rows.set(node, row);
    if (faultAt !== undefined && faultAt >= item.start && faultAt < item.end && !this.#hasChildAt(node, faultAt)) row.classList.add('faulty');
    // A click on the row selects; only the fold marker folds (a row inside <summary> would toggle it too).
    row.addEventListener('click', (e) => {
      e.preventDefault();
      this.onSelect(node);
    });
    const children = isBignum ? [] : [...node.children, ...(node.embedded ? [node.embedded] : [])];
    if (children.length === 0) return h('li', {}, row);
    const list = h('ul', {}, ...children.map((c) => this.#node(c, bytes, undefined, faultAt)));
    const details = h('details', { open: '' }, h('summary', {}, row), list);
    return h('li', {}, details);
  }

  #hasChildAt(node: NamedNode, offset: number): boolean {
    return [...node.children.flatMap((c) => (c.key ? [c.key, c] : [c])), ...(node.embedded ? [node.embedded] : [])].some((c) => offset >= c.item.start && offset < c.item.end);
  }

  /** Marks `node`'s row as selected, unfolding its ancestors. */
  select(node: NamedNode): void {
    const row = this.#rows.get(node);
    if (row === undefined) return;
    this.#selected?.classList.remove('selected');
    row.classList.add('selected');
    this.#selected = row;
    for (let p = row.parentElement; p !== null && p !== this.el; p = p.parentElement) if (p instanceof HTMLDetailsElement) p.open = true;
    row.scrollIntoView({ block: 'nearest' });
  }

  /** The innermost node whose bytes hold `offset` (a map key counts as its value's node). */
  nodeAt(offset: number): NamedNode | undefined {
    let node = this.#root;
    if (node === undefined || offset < node.item.start || offset >= node.item.end) return undefined;
    for (;;) {
      const inner: NamedNode | undefined = [...node.children, ...(node.embedded ? [node.embedded] : [])].find(
        (c) => (offset >= c.item.start && offset < c.item.end) || (c.key !== undefined && offset >= c.key.item.start && offset < c.key.item.end),
      );
      if (inner === undefined) return node;
      if (inner.key !== undefined && offset >= inner.key.item.start && offset < inner.key.item.end) return inner;
      node = inner;
    }
  }
}
