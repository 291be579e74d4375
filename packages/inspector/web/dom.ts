/** A small element builder: the page has no framework, and this keeps its views declarative. */
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | undefined> = {}, ...children: readonly Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined) el.setAttribute(name, value);
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export const byId = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no #${id}`);
  return el as T;
};

/** Replaces the content of `el`. */
export function show(el: HTMLElement, ...children: readonly Child[]): void {
  el.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}

/** A button that copies `text` to the clipboard (a local action: nothing is sent anywhere). */
export function copyButton(text: string): HTMLButtonElement {
  const b = h('button', { type: 'button', class: 'copy', title: 'copy the full value' }, 'copy');
  b.addEventListener('click', (e) => {
    e.stopPropagation();
    void navigator.clipboard?.writeText(text).then(
      () => (b.textContent = 'copied'),
      () => (b.textContent = 'copy failed'),
    );
  });
  return b;
}
