// Bulk loading with COPY: FROM STDIN on the `postgres` driver, FROM '/dev/blob' on PGlite. Storing
// invocation records this way cost PostgreSQL 19-21 µs of CPU a row, against 26-33 as INSERT ...
// SELECT FROM unnest(one array per column): the same rows and indexes, 200 batches of 256
// (docs/benchmarks.md, "Storing with COPY"). On PGlite, the control plane's CPU per stored record
// went from 37.7-38.8 µs to 24.3-26.4 (docs/benchmarks.md, "PGlite stores with COPY too").
import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import type { Sql } from 'postgres';

/**
 * Loads rows into table's columns, all or none: a string in COPY's text format, or bytes in its
 * binary format (copy-binary.ts). Rejects with the server's error (a duplicate key: code 23505)
 * when it refuses them.
 */
export type CopyIn = (table: string, columns: readonly string[], rows: string | Uint8Array) => Promise<void>;

const copyStatement = (table: string, columns: readonly string[], source: string, rows: string | Uint8Array) =>
  `COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) FROM ${source}${typeof rows === 'string' ? '' : ' (FORMAT binary)'}`;

export function copyInWith(client: Sql): CopyIn {
  return async (table, columns, rows) => {
    const query = client.unsafe(copyStatement(table, columns, 'STDIN', rows));
    const writable = await query.writable();
    await new Promise<void>((resolve, reject) => {
      // postgres 3.4.9 settles neither the stream nor the query when the server refuses the rows
      // after the last one was sent (porsager/postgres#1173, fix proposed in PR #1183): the error
      // reaches only the query's own reject, which nothing awaits once it gave out the stream. So
      // listen there too (test: control-plane/test/copy-in.test.ts, a duplicate key rejects).
      const pending = query as unknown as { reject?: (err: unknown) => void };
      const own = pending.reject;
      pending.reject = (err) => {
        own?.(err);
        reject(err);
      };
      writable.once('error', reject);
      writable.once('finish', resolve);
      writable.end(rows);
    });
  };
}

/**
 * PGlite's COPY reads its rows from a Blob given with the query, at the path '/dev/blob'. The
 * statement is one transaction of its own: all rows or none, as on PostgreSQL.
 */
export function copyInPglite(client: Pick<PGlite, 'query'>): CopyIn {
  return async (table, columns, rows) => {
    // (the cast: TypeScript types a Buffer's memory as possibly shared; ours never is)
    await client.query(copyStatement(table, columns, "'/dev/blob'", rows), [], { blob: new Blob([rows as BlobPart]) });
  };
}

/**
 * The driver's sockets, with Nagle's algorithm off. COPY sends its rows and its end as two writes,
 * and the second waited for the server's delayed acknowledgement of the first: 44 ms a COPY
 * (measured on loopback). Hosts are taken in turn, as the driver does with a list of them.
 */
export function noDelaySockets(): (o: { host: string[]; port: number[]; path?: string | false }) => net.Socket {
  let next = 0;
  return (o) => {
    if (o.path) return net.connect(o.path);
    const i = next++ % o.host.length;
    const socket = net.connect({ host: o.host[i], port: o.port[i] ?? o.port[0] });
    socket.setNoDelay(true);
    return socket;
  };
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value in COPY's text format: \N for null or undefined, t / f, and text with its specials escaped. */
export function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') return String(v);
  const text = typeof v === 'string' ? v : String(v);
  return COPY_SPECIAL.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]) : text;
}
