// The functions this agent knows: latest versions from the control plane's Watch stream, plus any
// version fetched on demand (an invocation that arrives before the stream told us, or names an older
// version). Specs are immutable per version, so cached versions never go stale; only "latest" moves.
import { StratusError } from '@stratus/common';
import type { FunctionSpec } from '@stratus/proto';

export type FetchFunction = (name: string, version: number) => Promise<FunctionSpec | undefined>;

export class FunctionRegistry {
  private readonly latest = new Map<string, FunctionSpec>();
  private readonly versions = new Map<string, FunctionSpec>();
  private readonly names = new Set<string>();
  private allCache?: FunctionSpec[];

  constructor(private fetchFunction?: FetchFunction) {}

  setFetcher(fetch: FetchFunction): void {
    this.fetchFunction = fetch;
  }

  /** Replaces everything with a snapshot; answers the names that disappeared. */
  applySnapshot(functions: FunctionSpec[]): string[] {
    const gone = [...this.latest.keys()].filter((n) => !functions.some((f) => f.name === n));
    this.latest.clear();
    for (const f of functions) this.upsert(f);
    for (const n of gone) this.remove(n);
    this.allCache = undefined;
    return gone;
  }

  /** Answers the previous latest version (undefined when new). */
  upsert(fn: FunctionSpec): FunctionSpec | undefined {
    const prev = this.latest.get(fn.name);
    this.versions.set(`${fn.name}@${fn.version}`, fn);
    this.names.add(fn.name);
    if (!prev || prev.version <= fn.version) this.latest.set(fn.name, fn);
    this.allCache = undefined;
    return prev;
  }

  remove(name: string): void {
    this.latest.delete(name);
    this.names.delete(name);
    for (const key of [...this.versions.keys()]) if (key.startsWith(`${name}@`)) this.versions.delete(key);
    this.allCache = undefined;
  }

  /** Whether the function exists (as far as this agent knows). */
  has(name: string): boolean {
    return this.names.has(name);
  }

  latestVersion(name: string): number | undefined {
    return this.latest.get(name)?.version;
  }

  all(): FunctionSpec[] {
    return (this.allCache ??= [...this.latest.values()]);
  }

  /** The spec to run: cached, else fetched from the control plane. FUNCTION_NOT_FOUND when neither has it. */
  async resolve(name: string, version: number): Promise<FunctionSpec> {
    const cached = version ? this.versions.get(`${name}@${version}`) : this.latest.get(name);
    if (cached) return cached;
    if (!this.fetchFunction) throw notFound(name, version);
    const fetched = await this.fetchFunction(name, version);
    if (!fetched) throw notFound(name, version);
    if (version === 0) this.upsert(fetched);
    else { this.versions.set(`${name}@${fetched.version}`, fetched); this.names.add(name); }
    return fetched;
  }
}

function notFound(name: string, version: number): StratusError {
  return new StratusError('FUNCTION_NOT_FOUND', version ? `function ${name} has no version ${version}` : `function ${name} does not exist`, { field: 'function' });
}
