import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per app instance, so tests can build several apps in one process. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    connectedSockets: new Gauge({
      name: 'realtime_connected_sockets',
      help: 'Socket.IO connections open on this node',
      registers: [registry],
    }),
    onlineUsers: new Gauge({
      name: 'realtime_online_users',
      help: 'Distinct users with at least one socket on this node',
      registers: [registry],
    }),
    logins: new Counter({
      name: 'auth_logins_total',
      help: 'Log-in attempts by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
