import { Injectable, NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// The names and labels the SLO gates query (deploy/slo-policies.yaml):
// http_requests_total and http_request_duration_seconds (a histogram, for the p99 and the
// mean), both labelled method, path and code. One registry per application instance, so that
// tests can create several.
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests served, by method, route and status code.',
    labelNames: ['method', 'path', 'code'] as const,
    registers: [this.registry],
  });

  readonly durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency in seconds, by method, route and status code.',
    labelNames: ['method', 'path', 'code'] as const,
    // Prometheus's default buckets: fine enough around the gates' p99 bound (0.5 s).
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}

// Express's matched route, e.g. "/users/:id"; requests no route matched are "unmatched", so a
// scan of random URLs cannot create unbounded label values.
type RoutedRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };

// Times every request, including the ones no controller answers (404) and the ones that throw.
@Injectable()
export class MetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: Metrics) {}

  use(request: RoutedRequest, response: ServerResponse, next: () => void): void {
    const stop = this.metrics.durations.startTimer();
    response.once('finish', () => {
      const route = request.route?.path;
      const labels = {
        method: request.method ?? 'UNKNOWN',
        path: typeof route === 'string' ? (request.baseUrl ?? '') + route : 'unmatched',
        code: String(response.statusCode),
      };
      this.metrics.requests.inc(labels);
      stop(labels);
    });
    next();
  }
}
