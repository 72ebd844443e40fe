// Latency and outcome accounting for a load run: one HDR histogram for the whole run, one per
// second for the live progress line, and errors counted by kind (status code or network error).
import * as hdr from 'hdr-histogram-js';

export interface Summary {
  requests: number;
  ok: number;
  rejected: number;
  durationSeconds: number;
  throughput: number;
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number };
  byStatus: Record<string, number>;
  errors: Record<string, number>;
}

const newHistogram = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });

export class Stats {
  readonly #all = newHistogram();
  #second = newHistogram();
  #secondCounts = { requests: 0, errors: 0, byStatus: {} as Record<string, number> };
  readonly byStatus: Record<string, number> = {};
  readonly errors: Record<string, number> = {};
  requests = 0;
  ok = 0;
  /** 409s: a business answer (out of stock), expected under a flash sale, not a failure. */
  rejected = 0;
  readonly #started = Date.now();

  /** A response: latency in ms; 2xx/3xx count as ok, anything else as an error of its status. */
  response(status: number, latencyMs: number): void {
    const us = Math.max(1, Math.round(latencyMs * 1000));
    this.#all.recordValue(us);
    this.#second.recordValue(us);
    this.requests++;
    this.#secondCounts.requests++;
    const key = String(status);
    this.byStatus[key] = (this.byStatus[key] ?? 0) + 1;
    if (status < 400) this.ok++;
    else if (status === 409) this.rejected++;
    else {
      this.errors[key] = (this.errors[key] ?? 0) + 1;
      this.#secondCounts.errors++;
      this.#secondCounts.byStatus[key] = (this.#secondCounts.byStatus[key] ?? 0) + 1;
    }
  }

  networkError(kind: string): void {
    this.requests++;
    this.#secondCounts.requests++;
    this.#secondCounts.errors++;
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
  }

  /** The last second, then starts a new one. */
  tick(): { requests: number; errors: number; p50: number; p99: number; byStatus: Record<string, number> } {
    const s = {
      requests: this.#secondCounts.requests,
      errors: this.#secondCounts.errors,
      p50: this.#second.getValueAtPercentile(50) / 1000,
      p99: this.#second.getValueAtPercentile(99) / 1000,
      byStatus: this.#secondCounts.byStatus,
    };
    this.#second = newHistogram();
    this.#secondCounts = { requests: 0, errors: 0, byStatus: {} };
    return s;
  }

  summary(): Summary {
    const seconds = (Date.now() - this.#started) / 1000;
    const at = (p: number) => Math.round(this.#all.getValueAtPercentile(p)) / 1000;
    return {
      requests: this.requests,
      ok: this.ok,
      rejected: this.rejected,
      durationSeconds: seconds,
      throughput: this.requests / seconds,
      latencyMs: { p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: Math.round(this.#all.maxValue) / 1000 },
      byStatus: { ...this.byStatus },
      errors: { ...this.errors },
    };
  }
}
