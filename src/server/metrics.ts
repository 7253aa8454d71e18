import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { PROMTS_VERSION } from './version.js';

/**
 * promts's own metrics, served at /metrics. Names are Prometheus's wherever Prometheus has
 * the same metric, so existing dashboards and alerts keep working; promts-only ones are
 * prefixed promts_.
 */
export interface SelfMetrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'code' | 'handler'>;
  readonly httpDuration: Histogram<'handler'>;
  readonly configReloadSuccess: Gauge;
  readonly configReloadTimestamp: Gauge;
  /** Registers a gauge whose value is read at scrape time. */
  gaugeFn(name: string, help: string, fn: () => number): void;
  /** Registers a counter whose total is read at scrape time (the source keeps the count). */
  counterFn(name: string, help: string, fn: () => number): void;
  /** A gauge or counter with one label, read at scrape time from a map label value → number. */
  labelledFn(kind: 'gauge' | 'counter', name: string, help: string, label: string, fn: () => ReadonlyMap<string, number>): void;
  close(): void;
}

const LOOP_MONITOR_MS = 100;

export function createSelfMetrics(): SelfMetrics {
  const registry = new Registry();
  // Each event-loop monitor tick wakes the process; at prom-client's default 10 ms that cost
  // about a millisecond of CPU per scrape on a small VM. 100 ms still shows real stalls.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: LOOP_MONITOR_MS });

  new Gauge({
    name: 'prometheus_build_info',
    help: 'A metric with a constant \'1\' value labeled by version, revision, branch, goversion from which prometheus was built, and the goos and goarch for the build.',
    labelNames: ['version', 'revision', 'branch', 'goversion', 'goos', 'goarch', 'tags'],
    registers: [registry],
  }).set({ version: PROMTS_VERSION, revision: '', branch: '', goversion: `node${process.versions.node}`, goos: process.platform, goarch: process.arch, tags: 'promts' }, 1);

  const httpRequests = new Counter({ name: 'prometheus_http_requests_total', help: 'Counter of HTTP requests.', labelNames: ['code', 'handler'] as const, registers: [registry] });
  const httpDuration = new Histogram({
    name: 'prometheus_http_request_duration_seconds',
    help: 'Histogram of latencies for HTTP requests.',
    labelNames: ['handler'] as const,
    buckets: [0.1, 0.2, 0.4, 1, 3, 8, 20, 60, 120],
    registers: [registry],
  });
  const configReloadSuccess = new Gauge({ name: 'prometheus_config_last_reload_successful', help: 'Whether the last configuration reload attempt was successful.', registers: [registry] });
  const configReloadTimestamp = new Gauge({ name: 'prometheus_config_last_reload_success_timestamp_seconds', help: 'Timestamp of the last successful configuration reload.', registers: [registry] });

  // The event loop is promts's one thread: its delay is the first thing to look at when
  // scrapes or queries run late.
  const loop = monitorEventLoopDelay({ resolution: LOOP_MONITOR_MS });
  loop.enable();
  new Gauge({
    name: 'promts_event_loop_delay_seconds',
    help: 'Event loop delay quantiles since the last scrape of this metric.',
    labelNames: ['quantile'] as const,
    registers: [registry],
    collect() {
      for (const q of [0.5, 0.9, 0.99]) this.set({ quantile: String(q) }, loop.percentile(q * 100) / 1e9);
      this.set({ quantile: '1' }, loop.max / 1e9);
      loop.reset();
    },
  });

  return {
    registry,
    httpRequests,
    httpDuration,
    configReloadSuccess,
    configReloadTimestamp,
    gaugeFn(name, help, fn) {
      new Gauge({ name, help, registers: [registry], collect() { this.set(fn()); } });
    },
    counterFn(name, help, fn) {
      // The source keeps the running total; at scrape time the counter is set to it (reset +
      // inc is prom-client's only way to set a counter).
      new Counter({ name, help, registers: [registry], collect() { this.reset(); this.inc(fn()); } });
    },
    labelledFn(kind, name, help, label, fn) {
      const labelNames = [label];
      if (kind === 'gauge') {
        new Gauge({ name, help, labelNames, registers: [registry], collect() { this.reset(); for (const [k, v] of fn()) this.set({ [label]: k }, v); } });
      } else {
        new Counter({ name, help, labelNames, registers: [registry], collect() { this.reset(); for (const [k, v] of fn()) this.inc({ [label]: k }, v); } });
      }
    },
    close() {
      loop.disable();
      registry.clear();
    },
  };
}
