import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics. One registry per context (not prom-client's global one)
 * so tests can build several apps in one process.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Realtime hubs inc() on open and dec() on close, labelled by hub (agent, widget). */
  readonly websocketsOpen: Gauge<'hub'>;
}

/** Values read when /metrics is scraped. */
export interface MetricSources {
  /** Rows stored but not yet in the search index. */
  searchBacklog: () => number;
}

export function createMetrics(sources: MetricSources): Metrics {
  const registry = new Registry();
  // Includes nodejs_eventloop_lag_seconds and the event-loop delay percentiles.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const httpDuration = new Histogram({
    name: 'kefu_http_request_duration_seconds',
    help: 'HTTP request duration by route template, method and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const websocketsOpen = new Gauge({
    name: 'kefu_websockets_open',
    help: 'Open websocket connections by hub',
    labelNames: ['hub'],
    registers: [registry],
  });
  new Gauge({
    name: 'kefu_search_index_backlog',
    help: 'Rows stored but not yet searchable (the search index thread catches up a few milliseconds behind)',
    registers: [registry],
    collect() {
      this.set(sources.searchBacklog());
    },
  });
  return { registry, httpDuration, websocketsOpen };
}
