export { startControlPlane, DEFAULT_HEARTBEAT_INTERVAL_MS, type ControlPlane, type ControlPlaneDeps } from './server';
export { openDatabase, MIGRATIONS_FOLDER, type Database, type OpenedDatabase } from './store/db';
export { InvocationStore, type InvocationFilter } from './store/invocations-repo';
export { FunctionStore } from './store/functions-repo';
export { RECORDS_CONSUMER } from './consumers/invocation-records';
export * as schema from './store/schema';
