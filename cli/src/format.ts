// Plain-text output: aligned tables and short summaries.
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return '';
  const cells = rows.map((r) => columns.map((c) => String(r[c] ?? '')));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n') + '\n';
}

export const mb = (n: number | undefined) => (n === undefined ? '' : `${n} MB`);
