/**
 * Progress for long commands: `label: done/total, rate/s, ETA` on one rewritten stderr line, only
 * when stderr is a terminal (never in pipes, logs or tests), at most ten times a second.
 */
import type { Io } from './io.js';

export interface Progress {
  tick(done: number): void;
  done(): void;
}

export function progress(io: Io, label: string, total: number, now: () => number = () => performance.now()): Progress {
  if (io.stderr.isTTY !== true || total < 2) return { tick: () => {}, done: () => {} };
  const start = now();
  let last = -Infinity;
  let shown = false;
  return {
    tick(done) {
      const t = now();
      if (t - last < 100 && done < total) return;
      last = t;
      shown = true;
      io.stderr.write(`\r${progressLine(label, done, total, (t - start) / 1000)}\u001b[K`);
    },
    done() {
      if (shown) io.stderr.write('\n');
    },
  };
}

/** `label: 40/100 (40%), 20.0/s, ETA 3s`. */
export function progressLine(label: string, done: number, total: number, seconds: number): string {
  const rate = seconds > 0 ? done / seconds : 0;
  const eta = rate > 0 ? (total - done) / rate : undefined;
  return `${label}: ${done}/${total} (${Math.floor((100 * done) / total)}%), ${rate.toFixed(1)}/s, ETA ${eta === undefined ? '?' : duration(eta)}`;
}

const duration = (s: number): string => (s < 60 ? `${Math.ceil(s)}s` : s < 3600 ? `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, '0')}s` : `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`);
