import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics for one app instance (its own registry, so several apps in one test process
 * do not collide): process defaults, HTTP requests by route and status, GraphQL operations by
 * name and outcome.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'quorum_' });

  const httpDuration = new Histogram({
    name: 'quorum_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const graphqlOperations = new Counter({
    name: 'quorum_graphql_operations_total',
    help: 'GraphQL operations by operation type, name and outcome',
    labelNames: ['type', 'name', 'outcome'] as const,
    registers: [registry],
  });

  const httpMiddleware: RequestHandler = (req, res, next) => {
    const stop = httpDuration.startTimer();
    res.on('finish', () => {
      // Route templates, not raw URLs, so label cardinality stays bounded.
      const route = (req.route?.path as string | undefined) ?? (req.baseUrl || 'unmatched');
      stop({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };

  const apolloPlugin: ApolloServerPlugin = {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, operationName, errors }) {
          graphqlOperations.inc({
            type: operation?.operation ?? 'unknown',
            name: operationName ?? 'anonymous',
            outcome: errors && errors.length > 0 ? 'error' : 'ok',
          });
        },
      };
    },
  };

  return { registry, httpMiddleware, apolloPlugin };
}
