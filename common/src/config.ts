// Configuration from the environment, in one place: every variable Stratus reads, its default, and
// what it is for (README's configuration table mirrors this list).
import os from 'node:os';
import path from 'node:path';

const str = (name: string, fallback: string): string => process.env[name] || fallback;
const num = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got ${JSON.stringify(raw)}`);
  return value;
};
const bool = (name: string, fallback: boolean): boolean => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  return raw === '1' || raw.toLowerCase() === 'true' || raw.toLowerCase() === 'yes';
};

export interface StratusConfig {
  host: string;                 // STRATUS_HOST: where servers bind
  gatewayPort: number;          // STRATUS_PORT
  controlPort: number;          // STRATUS_CONTROL_PORT
  agentPort: number;            // STRATUS_AGENT_PORT
  dashboardPort: number;        // STRATUS_DASHBOARD_PORT
  controlAddress: string;       // STRATUS_CONTROL_ADDRESS: how agents and gateways reach the control plane
  agentAdvertiseAddress: string;// STRATUS_AGENT_ADDRESS: how gateways reach this agent
  agentId: string;              // STRATUS_AGENT_ID
  dataDir: string;              // STRATUS_DATA_DIR
  databaseUrl: string | undefined; // DATABASE_URL: PostgreSQL; unset = embedded PGlite in dataDir
  natsUrl: string;              // NATS_URL
  keepAliveSec: number;         // STRATUS_KEEP_ALIVE_SEC: idle warm containers live this long
  defaultBackend: string;       // STRATUS_DEFAULT_BACKEND
  backends: string[];           // STRATUS_BACKENDS: which backends this agent offers (if available)
  memoryBudgetMb: number;       // STRATUS_MEMORY_BUDGET_MB: all function containers of one agent together
  prewarmPerRuntime: number;    // STRATUS_PREWARM: pre-warmed generic containers per runtime and backend
  queueTimeoutMs: number;       // STRATUS_QUEUE_TIMEOUT_MS: how long an invocation waits for a container
  maxParallelStarts: number;    // STRATUS_MAX_PARALLEL_STARTS: container starts of one agent at once
  tmpSizeMb: number;            // STRATUS_TMP_SIZE_MB: /tmp of each function container
  functionNetwork: string;      // STRATUS_FUNCTION_NETWORK: internal Docker network for functions
  containerLabel: string;       // STRATUS_CONTAINER_LABEL: label marking this installation's containers
  imagePrefix: string;          // STRATUS_IMAGE_PREFIX
  retentionDays: number;        // STRATUS_RETENTION_DAYS: invocation records kept
  metricsEnabled: boolean;      // STRATUS_METRICS: publish invocation events and gauges
  metricsBatchMs: number;       // STRATUS_METRICS_BATCH_MS: longest an agent gathers invocation records into one message
  metricsBatchRecords: number;  // STRATUS_METRICS_BATCH_RECORDS: most records in one message
  ingestDeferMs: number;        // STRATUS_INGEST_DEFER_MS: longest the control plane holds records back while the host's CPU is saturated (0 = never)
  ingestBusyPercent: number;    // STRATUS_INGEST_BUSY_PERCENT: host CPU use (%) from which it holds them back
  ingestQuietMs: number;        // STRATUS_INGEST_QUIET_MS: how long the host must stay under that before storing resumes
  agentMetricsPort: number;     // STRATUS_AGENT_METRICS_PORT: the agent's Prometheus /metrics (0 = free port)
  logLevel: string;             // STRATUS_LOG_LEVEL
}

export function loadConfig(overrides: Partial<StratusConfig> = {}): StratusConfig {
  const host = str('STRATUS_HOST', '127.0.0.1');
  const controlPort = num('STRATUS_CONTROL_PORT', 50051);
  const agentPort = num('STRATUS_AGENT_PORT', 50052);
  const hostMemMb = Math.floor(os.totalmem() / 1024 / 1024);
  const base: StratusConfig = {
    host,
    gatewayPort: num('STRATUS_PORT', 8080),
    controlPort,
    agentPort,
    dashboardPort: num('STRATUS_DASHBOARD_PORT', 3000),
    controlAddress: str('STRATUS_CONTROL_ADDRESS', `127.0.0.1:${controlPort}`),
    agentAdvertiseAddress: str('STRATUS_AGENT_ADDRESS', `127.0.0.1:${agentPort}`),
    agentId: str('STRATUS_AGENT_ID', `${os.hostname()}-${agentPort}`),
    dataDir: path.resolve(str('STRATUS_DATA_DIR', './.stratus')),
    databaseUrl: process.env.DATABASE_URL || undefined,
    natsUrl: str('NATS_URL', 'nats://127.0.0.1:4222'),
    keepAliveSec: num('STRATUS_KEEP_ALIVE_SEC', 600),
    defaultBackend: str('STRATUS_DEFAULT_BACKEND', 'docker'),
    backends: str('STRATUS_BACKENDS', 'docker,gvisor').split(',').map((s) => s.trim()).filter(Boolean),
    memoryBudgetMb: num('STRATUS_MEMORY_BUDGET_MB', Math.floor(hostMemMb / 2)),
    prewarmPerRuntime: num('STRATUS_PREWARM', 2),
    queueTimeoutMs: num('STRATUS_QUEUE_TIMEOUT_MS', 10_000),
    maxParallelStarts: Math.max(1, num('STRATUS_MAX_PARALLEL_STARTS', 2 * os.cpus().length)),
    tmpSizeMb: num('STRATUS_TMP_SIZE_MB', 512),
    functionNetwork: str('STRATUS_FUNCTION_NETWORK', 'stratus-functions'),
    containerLabel: str('STRATUS_CONTAINER_LABEL', 'stratus'),
    imagePrefix: str('STRATUS_IMAGE_PREFIX', 'stratus'),
    retentionDays: num('STRATUS_RETENTION_DAYS', 7),
    metricsEnabled: bool('STRATUS_METRICS', true),
    metricsBatchMs: Math.max(1, num('STRATUS_METRICS_BATCH_MS', 1_000)),
    metricsBatchRecords: Math.max(1, num('STRATUS_METRICS_BATCH_RECORDS', 1_024)),
    ingestDeferMs: Math.max(0, num('STRATUS_INGEST_DEFER_MS', 10_000)),
    ingestBusyPercent: num('STRATUS_INGEST_BUSY_PERCENT', 85),
    ingestQuietMs: Math.max(0, num('STRATUS_INGEST_QUIET_MS', 1_000)),
    agentMetricsPort: num('STRATUS_AGENT_METRICS_PORT', 9464),
    logLevel: str('STRATUS_LOG_LEVEL', 'info'),
  };
  return { ...base, ...overrides };
}
