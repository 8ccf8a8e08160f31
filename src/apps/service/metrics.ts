/**
 * Prometheus metrics of one server instance, on its own registry (several servers in one process,
 * as in tests, do not collide): HTTP requests, batch jobs by status, batch durations, pool
 * utilisation.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServiceMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  batchDuration: Histogram<'operation' | 'status'>;
}

export function createMetrics(sources: {
  jobCounts: () => Record<string, number>;
  utilization: () => number;
  defaultMetrics?: boolean;
}): ServiceMetrics {
  const registry = new Registry();
  if (sources.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'margin_engine_' });
  const httpRequests = new Counter({
    name: 'margin_engine_http_requests_total',
    help: 'HTTP requests by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'margin_engine_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2, 10],
    registers: [registry],
  });
  const batchDuration = new Histogram({
    name: 'margin_engine_batch_duration_seconds',
    help: 'Batch job run time (start to finish) by operation and final status',
    labelNames: ['operation', 'status'] as const,
    buckets: [0.01, 0.05, 0.25, 1, 5, 30, 120, 600],
    registers: [registry],
  });
  new Gauge({
    name: 'margin_engine_batch_jobs',
    help: 'Batch jobs known to this instance by status',
    labelNames: ['status'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [status, n] of Object.entries(sources.jobCounts())) this.set({ status }, n);
    },
  });
  new Gauge({
    name: 'margin_engine_pool_utilization',
    help: 'Fraction of time the worker pool was busy since start (0..1)',
    registers: [registry],
    collect() {
      this.set(sources.utilization());
    },
  });
  return { registry, httpRequests, httpDuration, batchDuration };
}
