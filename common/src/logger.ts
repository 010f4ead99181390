// One logger factory: pino, JSON lines, level from STRATUS_LOG_LEVEL.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(component: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({
    name: component,
    level: process.env.STRATUS_LOG_LEVEL ?? 'info',
    base: { component, ...bindings },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
