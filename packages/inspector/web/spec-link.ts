/**
 * Links to the spec: relative to the clone when the page is opened from disk
 * (packages/inspector/dist/page/index.html → specs/), and /specs/ when `hemkit inspect --web` serves
 * it (the server serves the clone's specs/ there).
 */
import type { SpecSection } from '@hemkit/inspector';
import { h } from './dom.js';

const BASE = location.protocol === 'file:' ? '../../../../specs/' : '/specs/';

export function specLink(s: SpecSection): HTMLAnchorElement {
  return h('a', { class: 'spec', href: `${BASE}${s.document}${s.anchor ? `#${s.anchor}` : ''}`, target: '_blank', rel: 'noopener' }, `spec: ${s.title}`);
}
