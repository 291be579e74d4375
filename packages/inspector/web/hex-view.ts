/**
 * The bytes, sixteen to a line, each a span that knows its offset: selecting a tree node highlights
 * its range here, and clicking a byte selects the innermost node holding it (the two linked both
 * ways). A fault's bytes are marked. Long inputs show their first 64 KiB.
 */
import { h, show } from './dom.js';

const LIMIT = 65536;

export class HexView {
  #spans: HTMLSpanElement[] = [];
  #selected: [number, number] | undefined;

  constructor(
    private readonly el: HTMLElement,
    private readonly onByte: (offset: number) => void,
  ) {
    el.addEventListener('click', (e) => {
      const t = e.target as HTMLElement;
      if (t.dataset.off !== undefined) this.onByte(Number(t.dataset.off));
    });
  }

  render(bytes: Uint8Array, fault?: { start: number; end: number }): void {
    this.#spans = [];
    this.#selected = undefined;
    const lines: HTMLElement[] = [];
    const n = Math.min(bytes.length, LIMIT);
    for (let line = 0; line < n; line += 16) {
      const row = h('div', { class: 'line' }, h('span', { class: 'off' }, line.toString(16).padStart(6, '0')));
      for (let i = line; i < Math.min(line + 16, n); i++) {
        const span = h('span', { class: 'b', 'data-off': String(i) }, bytes[i]!.toString(16).padStart(2, '0'));
        if (fault !== undefined && i >= fault.start && i < fault.end) span.classList.add('fault');
        this.#spans.push(span);
        row.append(span, ' ');
      }
      lines.push(row);
    }
    if (bytes.length > LIMIT) lines.push(h('div', { class: 'note' }, `… ${bytes.length - LIMIT} more bytes not shown`));
    if (fault !== undefined && fault.start >= bytes.length) lines.push(h('div', { class: 'note fail' }, `the fault is at byte ${fault.start}, past the end: the input stops short`));
    show(this.el, ...lines);
  }

  select(start: number, end: number): void {
    if (this.#selected) for (let i = this.#selected[0]; i < this.#selected[1]; i++) this.#spans[i]?.classList.remove('sel');
    this.#selected = [start, end];
    for (let i = start; i < end; i++) this.#spans[i]?.classList.add('sel');
    this.#spans[start]?.scrollIntoView({ block: 'nearest' });
  }
}
