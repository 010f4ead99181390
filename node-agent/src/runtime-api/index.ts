export {
  RuntimeApiServer, RuntimeInitError, errorPayload,
  type RuntimeApiServerOptions, type RuntimeSession, type SpecializeConfig, type InvocationInput, type InvocationOutcome,
} from './runtime-api-server';
export { runtimeSourceDir, RUNTIME_SENTINEL_PREFIX, logSentinel, splitLogSentinel } from './runtime-files';
