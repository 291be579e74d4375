/**
 * A tiny benchmark harness: every goal is reported as a ratio to a baseline measured in the same run,
 * never as an absolute time asserted in a test (DEVELOPERS.md, "Speed is measured, not asserted").
 */

export interface Measurement {
  readonly name: string;
  readonly opsPerSecond: number;
}

/** Runs `fn` repeatedly for about `seconds` after a short warm-up and returns operations per second. */
export function measure(name: string, fn: () => unknown, seconds = 1): Measurement {
  const warmUntil = performance.now() + Math.min(250, seconds * 250);
  while (performance.now() < warmUntil) fn();
  let ops = 0;
  let batch = 1;
  const start = performance.now();
  const stopAt = start + seconds * 1000;
  let now = start;
  while (now < stopAt) {
    for (let i = 0; i < batch; i++) fn();
    ops += batch;
    now = performance.now();
    if (now - start < 50) batch *= 2;
  }
  return { name, opsPerSecond: (ops * 1000) / (now - start) };
}

export function formatRate(opsPerSecond: number): string {
  if (opsPerSecond >= 1e6) return `${(opsPerSecond / 1e6).toFixed(2)}M/s`;
  if (opsPerSecond >= 1e3) return `${(opsPerSecond / 1e3).toFixed(1)}k/s`;
  return `${opsPerSecond.toFixed(0)}/s`;
}

/** Prints one line: the measurement, its baseline, the ratio, and the goal it is judged against. */
export function report(m: Measurement, baseline: Measurement, goalRatio?: number): void {
  const ratio = m.opsPerSecond / baseline.opsPerSecond;
  const goal = goalRatio === undefined ? '' : `  goal ≥ ${goalRatio}  ${ratio >= goalRatio ? 'met' : 'NOT met'}`;
  console.log(
    `  ${m.name.padEnd(46)} ${formatRate(m.opsPerSecond).padStart(10)}   vs ${baseline.name} ${formatRate(
      baseline.opsPerSecond,
    )}  ratio ${ratio.toFixed(2)}${goal}`,
  );
}
