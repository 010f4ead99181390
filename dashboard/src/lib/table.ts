// Search and sort for the functions table (pure, testable).
export type SortKey = 'name' | 'runtime' | 'backend' | 'version' | 'lastAt' | 'invocations' | 'errors' | 'p50';

export interface SortableRow {
  name: string;
  runtime: string;
  backend: string;
  version: number;
  lastAt: string;
  invocations: number | null;
  errors: number | null;
  p50: number | null;
  description?: string;
  handler?: string;
}

/** Every whitespace-separated term must appear in the name, runtime, backend, handler or description. */
export function filterRows<T extends SortableRow>(rows: T[], query: string): T[] {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!terms.length) return rows;
  return rows.filter((r) => {
    const hay = `${r.name} ${r.runtime} ${r.backend} ${r.handler ?? ''} ${r.description ?? ''}`.toLowerCase();
    return terms.every((t) => hay.includes(t));
  });
}

/** Sorts a copy; empty values (null, '') always go last; ties break by name. */
export function sortRows<T extends SortableRow>(rows: T[], key: SortKey, desc: boolean): T[] {
  const dir = desc ? -1 : 1;
  return [...rows].sort((a, b) => {
    const va = a[key];
    const vb = b[key];
    const ea = va === null || va === '' || va === undefined;
    const eb = vb === null || vb === '' || vb === undefined;
    if (ea !== eb) return ea ? 1 : -1;
    let c = 0;
    if (!ea && !eb) c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return c !== 0 ? c * dir : a.name.localeCompare(b.name);
  });
}
