/**
 * The service's Prometheus metrics (specs/service.md §4), in a registry of its own per service, so
 * that two services in one process (tests) never share counters: appraisals by status, appraisal
 * latency, store errors, challenges issued, and the process's own (CPU, memory, event-loop lag).
 */
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export class ServiceMetrics {
  readonly #registry = new Registry();
  readonly appraisals = new Counter({ name: 'hemkit_appraisals_total', help: 'Appraisals completed, by attestation result status', labelNames: ['status'] as const, registers: [this.#registry] });
  readonly latency = new Histogram({
    name: 'hemkit_appraisal_duration_seconds',
    help: 'Time to appraise one evidence bundle, store transaction included',
    // Around the measured figures: a bundle from a known chip takes about a millisecond of CPU.
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.#registry],
  });
  readonly storeErrors = new Counter({ name: 'hemkit_store_errors_total', help: 'Requests answered 503 because the verifier store failed', registers: [this.#registry] });
  readonly challenges = new Counter({ name: 'hemkit_challenges_total', help: 'Challenges issued', registers: [this.#registry] });

  constructor() {
    collectDefaultMetrics({ register: this.#registry, prefix: 'hemkit_service_' });
    // Every status shows from the start, at zero, so a dashboard's rate() has a series to work on.
    for (const status of ['affirming', 'warning', 'contraindicated']) this.appraisals.inc({ status }, 0);
  }

  appraised(status: string, seconds: number): void {
    this.appraisals.inc({ status });
    this.latency.observe(seconds);
  }

  get contentType(): string {
    return this.#registry.contentType;
  }

  render(): Promise<string> {
    return this.#registry.metrics();
  }
}
