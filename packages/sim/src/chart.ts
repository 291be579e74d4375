/**
 * The simulation's chart as SVG: cumulative compute of each lineage's states, step by step, on a
 * log scale, against the thresholds. One polyline per operator, coloured by strategy; where chips
 * hid work, a dashed rise leads from what the evidence showed to a hollow mark at the truth. A small writer of our own:
 * text only, deterministic, no dependency.
 */
import type { LineageCurve } from './simulate.js';
import type { Strategy } from './scenario.js';

const COLOURS: Readonly<Record<Strategy, string>> = {
  'honest-small': '#9aa5b1',
  'honest-frontier': '#1f77b4',
  'honest-near': '#17becf',
  'honest-finetune': '#2ca02c',
  'honest-ongoing': '#8c564b',
  'evade-split': '#d62728',
  'evade-relabel': '#ff7f0e',
  'evade-silent': '#9467bd',
  'evade-finetune': '#e377c2',
};

export interface ChartThreshold {
  readonly label: string;
  readonly ops: bigint;
}

const W = 860;
const H = 520;
const M = { left: 70, right: 220, top: 40, bottom: 50 };
const LOG_MIN = 20;
const LOG_MAX = 27;

/** log10 of a positive bigint, precise enough for a chart. */
function log10(n: bigint): number {
  if (n <= 0n) return LOG_MIN;
  const digits = n.toString();
  return digits.length - 1 + Math.log10(Number(`0.${digits.slice(0, 15)}`) * 10);
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fixed = (x: number) => x.toFixed(1);

export function lineageChart(curves: readonly LineageCurve[], thresholds: readonly ChartThreshold[], title: string): string {
  const steps = Math.max(2, ...curves.map((c) => c.reported.length));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const x = (step: number, jitter: number) => M.left + (plotW * (step + 0.5 + jitter)) / steps;
  const y = (ops: bigint) => M.top + plotH * (1 - (Math.min(LOG_MAX, Math.max(LOG_MIN, log10(ops))) - LOG_MIN) / (LOG_MAX - LOG_MIN));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${M.left}" y="22" font-size="15" font-weight="bold">${escape(title)}</text>`,
  ];
  for (let e = LOG_MIN; e <= LOG_MAX; e++) {
    const yy = fixed(M.top + plotH * (1 - (e - LOG_MIN) / (LOG_MAX - LOG_MIN)));
    out.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${yy}" y2="${yy}" stroke="#eeeeee"/>`, `<text x="${M.left - 8}" y="${yy}" text-anchor="end" dominant-baseline="middle">1e${e}</text>`);
  }
  for (let s = 0; s < steps; s++) out.push(`<text x="${fixed(x(s, 0))}" y="${H - M.bottom + 18}" text-anchor="middle">${s + 1}</text>`);
  out.push(
    `<text x="${M.left + plotW / 2}" y="${H - 12}" text-anchor="middle">model state along the lineage (training step)</text>`,
    `<text transform="translate(16 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">cumulative operations</text>`,
  );
  for (const t of thresholds) {
    const yy = fixed(y(t.ops));
    out.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${yy}" y2="${yy}" stroke="#000000" stroke-dasharray="6 4"/>`, `<text x="${M.left + plotW - 4}" y="${Number(yy) - 5}" text-anchor="end">${escape(t.label)}</text>`);
  }
  curves.forEach((c, i) => {
    const jitter = ((i % 11) - 5) / 40;
    const colour = COLOURS[c.strategy];
    const line = (values: readonly bigint[], dashed: boolean) =>
      `<polyline fill="none" stroke="${colour}" stroke-width="${dashed ? 1.2 : 1.8}"${dashed ? ' stroke-dasharray="3 3"' : ''} points="${values.map((v, s) => `${fixed(x(s, jitter))},${fixed(y(v))}`).join(' ')}"/>`;
    if (c.truth.some((t, s) => t !== c.reported[s])) {
      if (c.truth.length > 1) out.push(line(c.truth, true));
      // Each step whose truth the evidence did not show: a dashed rise to a hollow mark at the truth.
      c.truth.forEach((t, s) => {
        if (t === c.reported[s]) return;
        const xx = fixed(x(s, jitter));
        out.push(
          `<line x1="${xx}" x2="${xx}" y1="${fixed(y(c.reported[s]!))}" y2="${fixed(y(t))}" stroke="${colour}" stroke-dasharray="3 3"/>`,
          `<rect x="${fixed(x(s, jitter) - 3.5)}" y="${fixed(y(t) - 3.5)}" width="7" height="7" fill="#ffffff" stroke="${colour}"/>`,
        );
      });
    }
    out.push(line(c.reported, false));
    const last = c.reported.length - 1;
    out.push(`<circle cx="${fixed(x(last, jitter))}" cy="${fixed(y(c.reported[last]!))}" r="${c.flagged ? 4 : 2.5}" fill="${c.flagged ? colour : '#ffffff'}" stroke="${colour}"/>`);
  });
  const strategies = [...new Set(curves.map((c) => c.strategy))];
  strategies.forEach((s, i) => {
    const yy = M.top + 10 + i * 20;
    out.push(`<line x1="${W - M.right + 20}" x2="${W - M.right + 44}" y1="${yy}" y2="${yy}" stroke="${COLOURS[s]}" stroke-width="2"/>`, `<text x="${W - M.right + 50}" y="${yy}" dominant-baseline="middle">${s}</text>`);
  });
  const note = M.top + 10 + strategies.length * 20 + 10;
  out.push(
    `<circle cx="${W - M.right + 32}" cy="${note}" r="4" fill="#555555"/><text x="${W - M.right + 50}" y="${note}" dominant-baseline="middle">itemised (flagged)</text>`,
    `<line x1="${W - M.right + 20}" x2="${W - M.right + 44}" y1="${note + 20}" y2="${note + 20}" stroke="#555555" stroke-dasharray="3 3"/><rect x="${W - M.right + 28.5}" y="${note + 16.5}" width="7" height="7" fill="#ffffff" stroke="#555555"/><text x="${W - M.right + 50}" y="${note + 20}" dominant-baseline="middle">truth, where work was hidden</text>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}
