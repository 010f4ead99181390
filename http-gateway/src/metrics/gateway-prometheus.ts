// The gateway's own Prometheus metrics: every HTTP request by route and status, and per invocation
// the end-to-end latency and the platform's overhead (end to end minus the function's own duration).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { LabelCap } from '@stratus/common';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface GatewayInvocation {
  requestId: string;
  function: string;
  backend: string;
  agentId: string;
  /** HTTP status answered. */
  statusCode: number;
  coldStart: boolean;
  /** Milliseconds from the request's arrival to the answer. */
  endToEndMs: number;
  /** The function's own duration (X-Stratus-Duration-Ms); 0 when it did not run. */
  durationMs: number;
}

export class GatewayPrometheus {
  readonly registry = new Registry();
  private readonly functions: LabelCap;
  private readonly routes = new LabelCap(100);
  readonly requests: Counter<'method' | 'route' | 'code'>;
  readonly requestDuration: Histogram<'route'>;
  readonly invocations: Counter<'function' | 'backend' | 'code' | 'start'>;
  readonly invocationDuration: Histogram<'function' | 'backend'>;
  readonly overhead: Histogram<'backend'>;
  readonly liveClients: Gauge;

  constructor(opts: { maxFunctionLabels?: number } = {}) {
    this.functions = new LabelCap(opts.maxFunctionLabels ?? 500);
    const registers = [this.registry];
    this.requests = new Counter({ name: 'stratus_gateway_http_requests_total', help: 'HTTP requests answered by the gateway, by route and status code.', labelNames: ['method', 'route', 'code'], registers });
    this.requestDuration = new Histogram({ name: 'stratus_gateway_http_request_duration_seconds', help: 'Time to answer an HTTP request, by route.', labelNames: ['route'], buckets: LATENCY_BUCKETS, registers });
    this.invocations = new Counter({ name: 'stratus_gateway_invocations_total', help: 'Invocations over HTTP, by function, backend, HTTP status code and cold or warm start.', labelNames: ['function', 'backend', 'code', 'start'], registers });
    this.invocationDuration = new Histogram({ name: 'stratus_gateway_invocation_duration_seconds', help: 'End-to-end latency of invocations seen at the gateway.', labelNames: ['function', 'backend'], buckets: LATENCY_BUCKETS, registers });
    this.overhead = new Histogram({ name: 'stratus_gateway_overhead_seconds', help: "Platform overhead per invocation: end to end at the gateway minus the function's own duration.", labelNames: ['backend'], buckets: OVERHEAD_BUCKETS, registers });
    this.liveClients = new Gauge({ name: 'stratus_gateway_live_clients', help: 'Clients following the live stream.', registers });
  }

  request(method: string, route: string, code: number, seconds: number): void {
    const r = this.routes.label(route);
    this.requests.inc({ method, route: r, code: String(code) });
    this.requestDuration.observe({ route: r }, seconds);
  }

  invocation(inv: GatewayInvocation): void {
    const fn = this.functions.label(inv.function || 'unknown');
    const backend = inv.backend || 'unknown';
    this.invocations.inc({ function: fn, backend, code: String(inv.statusCode), start: inv.coldStart ? 'cold' : 'warm' });
    this.invocationDuration.observe({ function: fn, backend }, inv.endToEndMs / 1000);
    if (inv.durationMs > 0) this.overhead.observe({ backend }, Math.max(0, inv.endToEndMs - inv.durationMs) / 1000);
  }
}
