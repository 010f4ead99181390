// The Server-Timing header (W3C Server Timing): "name;dur=ms, ..." The gateway writes where an
// invocation's time went; the benchmark and the dashboard read it back. No Node imports: the
// dashboard's browser code uses it too.

/** `[name, ms]` pairs as a header value, durations to 0.01 ms (negative ones as 0). */
export function formatServerTiming(parts: readonly (readonly [string, number])[]): string {
  return parts.map(([name, ms]) => `${name};dur=${Math.max(0, ms).toFixed(2)}`).join(', ');
}

/** A header value as name -> ms, in the header's order; parts without a duration are left out. */
export function parseServerTiming(header: string | undefined | null): Record<string, number> {
  const out: Record<string, number> = {};
  if (!header) return out;
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().split(';');
    const dur = params.map((p) => p.trim()).find((p) => p.startsWith('dur='));
    const ms = dur === undefined ? NaN : Number(dur.slice(4));
    if (name && Number.isFinite(ms)) out[name.trim()] = ms;
  }
  return out;
}
