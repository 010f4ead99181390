// The rules a function must follow, shared by the control plane (which enforces them), the agents,
// the gateway and the dashboard (which checks them in the page before sending).
export const RUNTIMES = ['python3.11', 'nodejs20.x', 'nodejs22.x', 'provided'] as const;
export type Runtime = (typeof RUNTIMES)[number];
export const BACKENDS = ['docker', 'gvisor'] as const;
export type Backend = (typeof BACKENDS)[number];

export const LIMITS = {
  namePattern: /^[A-Za-z0-9_-]{1,64}$/,
  memoryMb: { min: 128, max: 10240, default: 128 },
  timeoutSec: { min: 1, max: 900, default: 30 },
  envBytes: 4096,
  maxConcurrency: { min: 1, max: 1000, default: 10 },
  minWarm: { max: 100 },
  descriptionChars: 256,
  payloadBytes: 6 * 1024 * 1024,
  codeUnpackedBytes: 250 * 1024 * 1024,
  codeFiles: 10_000,
  logBytes: 256 * 1024,
  /** Lambda gives one full vCPU at 1769 MB and CPU in proportion below and above. */
  mbPerCpu: 1769,
} as const;

export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Variables the platform sets in every function's environment: users may not override them. */
export const RESERVED_ENV = new Set([
  '_HANDLER', 'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_INITIALIZATION_TYPE',
]);

/** Python handlers are module.function; Node handlers file.function where file may carry .js/.cjs/.mjs resolution. */
export const HANDLER_PATTERN = /^[A-Za-z0-9_\-/.]*[A-Za-z0-9_\-]\.[A-Za-z_$][A-Za-z0-9_$]*$/;
