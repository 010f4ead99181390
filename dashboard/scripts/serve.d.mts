export declare const DASHBOARD_DIR: string;
export declare function buildStaleReason(): string;
export declare function build(opts?: { log?: (msg: string) => void }): Promise<void>;
export declare function ensureBuilt(opts?: { log?: (msg: string) => void; force?: boolean }): Promise<void>;
export declare function startDashboard(opts?: {
  port?: number;
  host?: string;
  log?: (msg: string) => void;
  env?: Record<string, string>;
}): Promise<{ port: number; url: string; close(): Promise<void> }>;
