// Latency and outcome accounting for a load run: one HDR histogram for the whole run, one per
// second for the live progress line, and errors counted by kind (status code or network error).
//
// Latency is counted from when a request was meant to go, not from when it went. In an open
// model each connection owes a request every `expectedIntervalMs`; a response that took longer
// held back the ones the connection owed meanwhile (coordinated omission: they were never sent,
// so a raw histogram never sees them waiting). They are recorded as HdrHistogram's correction
// records them (recordValueWithExpectedInterval, as wrk2 does): L, L − I, L − 2I, … while above I.
// The raw response times stay available as the service time.
import * as hdr from 'hdr-histogram-js';

export type Percentiles = { p50: number; p90: number; p99: number; p999: number; max: number };

export interface Summary {
  requests: number;
  ok: number;
  rejected: number;
  durationSeconds: number;
  throughput: number;
  /** From each request's intended send time (open model); the response time as is in a closed loop. */
  latencyMs: Percentiles;
  /** Raw response times: from the moment the request was written. */
  serviceTimeMs: Percentiles;
  /** How `latencyMs` was measured, in words, for every report that shows it. */
  latencyMethod: string;
  byStatus: Record<string, number>;
  errors: Record<string, number>;
}

export const OPEN_MODEL_METHOD =
  "from each request's intended send time: a connection owes a request every connections/rate seconds, and a response slower than that also counts the requests it held back, waiting (coordinated omission corrected as HdrHistogram and wrk2 do)";
export const CLOSED_LOOP_METHOD = 'response time as the client saw it (closed loop: a request waits for the previous one, so queueing is hidden)';

const newHistogram = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });

export class Stats {
  readonly #all = newHistogram();
  readonly #raw = newHistogram();
  #second = newHistogram();
  #secondCounts = { requests: 0, errors: 0, byStatus: {} as Record<string, number> };
  readonly byStatus: Record<string, number> = {};
  readonly errors: Record<string, number> = {};
  requests = 0;
  ok = 0;
  /** 409s: a business answer (out of stock), expected under a flash sale, not a failure. */
  rejected = 0;
  readonly #started = Date.now();
  readonly #method: string;

  /** `open`: latency from the intended send time (responses then give their expected interval). */
  constructor(o: { open: boolean } = { open: false }) {
    this.#method = o.open ? OPEN_MODEL_METHOD : CLOSED_LOOP_METHOD;
  }

  /**
   * A response: its time in ms, and in an open model the interval at which its connection owes
   * requests (the correction above); 2xx/3xx count as ok, anything else as an error of its status.
   */
  response(status: number, latencyMs: number, expectedIntervalMs?: number): void {
    const us = Math.max(1, Math.round(latencyMs * 1000));
    this.#raw.recordValue(us);
    if (expectedIntervalMs && expectedIntervalMs > 0) {
      const interval = Math.max(1, Math.round(expectedIntervalMs * 1000));
      this.#all.recordValueWithExpectedInterval(us, interval);
      this.#second.recordValueWithExpectedInterval(us, interval);
    } else {
      this.#all.recordValue(us);
      this.#second.recordValue(us);
    }
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
    const percentiles = (h: hdr.Histogram): Percentiles => {
      const at = (p: number) => Math.round(h.getValueAtPercentile(p)) / 1000;
      return { p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: Math.round(h.maxValue) / 1000 };
    };
    return {
      requests: this.requests,
      ok: this.ok,
      rejected: this.rejected,
      durationSeconds: seconds,
      throughput: this.requests / seconds,
      latencyMs: percentiles(this.#all),
      serviceTimeMs: percentiles(this.#raw),
      latencyMethod: this.#method,
      byStatus: { ...this.byStatus },
      errors: { ...this.errors },
    };
  }
}
