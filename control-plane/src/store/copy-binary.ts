// COPY's binary format (https://www.postgresql.org/docs/15/sql-copy.html, "Binary Format"): a
// signature, then each row as a field count and each field as its length and its bytes in the
// type's send form, then -1. PostgreSQL reads it without parsing text: no timestamp text to decode,
// no float to parse, nothing to unescape: 14.6-16.1 µs of PostgreSQL's CPU a row against 17.1-18.0
// as text, in a scratch COPY of 100,000 rows in batches of 256 into the invocations table
// (docs/benchmarks.md, "Binary COPY and one index fewer").
//
// Each value must be the column's exact type (binary COPY converts nothing): int4, float8, bool,
// text, timestamptz, bytea, text[]. Written through a DataView (big-endian, inlined by V8) and ASCII
// text byte by byte: Buffer's write methods cost a call into C++ or a range check each, and most of
// a record's strings are short and ASCII. Quiet records are kept in this form inside their chunks
// (schema.ts, invocation_chunks), and CopyBinaryReader reads them back.

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** 2000-01-01T00:00:00Z, PostgreSQL's epoch for timestamps, in Unix ms. */
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 2 ** 32;
const TEXT_OID = 25;
/** Longer strings go to Buffer.write (UTF-8 in C++) without a look at each character first. */
const ASCII_LOOP_MAX = 64;

/** Builds one COPY FROM ... (FORMAT binary) payload, row by row; finish() gives the bytes. */
export class CopyBinaryWriter {
  private buf: Buffer;
  private view: DataView;
  private at: number;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.alloc(Math.max(initialBytes, 64));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
    this.at = SIGNATURE.copy(this.buf, 0) + 8; // then flags (no OIDs) and the header extension's length: both 0
  }

  /** Starts a row of `fields` values; each value method below writes the next field. */
  row(fields: number): this {
    this.room(2);
    this.view.setInt16(this.at, fields);
    this.at += 2;
    return this;
  }

  null(): this {
    this.room(4);
    this.view.setInt32(this.at, -1);
    this.at += 4;
    return this;
  }

  text(s: string): this {
    const n = s.length;
    this.room(4 + n * 3); // UTF-8 takes at most 3 bytes for each UTF-16 unit
    const start = this.at + 4;
    if (n <= ASCII_LOOP_MAX) {
      const buf = this.buf;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
      if (i === n) {
        this.view.setInt32(this.at, n);
        this.at = start + n;
        return this;
      }
    }
    const bytes = this.buf.write(s, start, 'utf8');
    this.view.setInt32(this.at, bytes);
    this.at = start + bytes;
    return this;
  }

  /** bytea: the bytes as they are. */
  bytea(bytes: Uint8Array): this {
    this.room(4 + bytes.length);
    this.view.setInt32(this.at, bytes.length);
    this.buf.set(bytes, this.at + 4);
    this.at += 4 + bytes.length;
    return this;
  }

  /**
   * text[] of one dimension in array_send's form: dimensions, a has-nulls flag, the element type's
   * OID (text: 25), the length and lower bound (1), then each element as a field.
   */
  textArray(values: readonly string[]): this {
    this.room(24);
    const lengthAt = this.at;
    this.view.setInt32(this.at + 4, 1);
    this.view.setInt32(this.at + 8, 0);
    this.view.setInt32(this.at + 12, TEXT_OID);
    this.view.setInt32(this.at + 16, values.length);
    this.view.setInt32(this.at + 20, 1);
    this.at += 24;
    for (const v of values) this.text(v);
    this.view.setInt32(lengthAt, this.at - lengthAt - 4);
    return this;
  }

  int4(n: number): this {
    this.room(8);
    this.view.setInt32(this.at, 4);
    this.view.setInt32(this.at + 4, n);
    this.at += 8;
    return this;
  }

  float8(n: number): this {
    this.room(12);
    this.view.setInt32(this.at, 8);
    this.view.setFloat64(this.at + 4, n);
    this.at += 12;
    return this;
  }

  bool(b: boolean): this {
    this.room(5);
    this.view.setInt32(this.at, 1);
    this.buf[this.at + 4] = b ? 1 : 0;
    this.at += 5;
    return this;
  }

  /** Unix epoch ms as timestamptz: microseconds since 2000-01-01 as a signed 64-bit integer. */
  timestamptz(ms: number): this {
    this.room(12);
    this.view.setInt32(this.at, 8);
    const us = (ms - PG_EPOCH_MS) * 1000;
    if (Number.isSafeInteger(us)) {
      // two 32-bit halves: no BigInt for the common case (the high half is negative before 2000)
      const high = Math.floor(us / TWO_32);
      this.view.setInt32(this.at + 4, high);
      this.view.setUint32(this.at + 8, us - high * TWO_32);
    } else {
      // beyond ±285 years of 2000 (or a fraction of a ms): the µs counted in BigInt, exactly
      const whole = Math.trunc(ms);
      this.view.setBigInt64(this.at + 4, BigInt(whole - PG_EPOCH_MS) * 1000n + BigInt(Math.round((ms - whole) * 1000)));
    }
    this.at += 12;
    return this;
  }

  /** The payload with its trailer; the writer is done. */
  finish(): Buffer {
    this.room(2);
    this.view.setInt16(this.at, -1);
    this.at += 2;
    return this.buf.subarray(0, this.at);
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const grown = Buffer.alloc(Math.max(this.buf.length * 2, this.at + bytes));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.length);
  }
}

/**
 * Reads back what CopyBinaryWriter wrote (quiet records are kept in this form in their chunks,
 * schema.ts): the signature, then rows field by field, each read as the type it was written as.
 */
export class CopyBinaryReader {
  private readonly view: DataView;
  private at: number;

  constructor(private readonly buf: Uint8Array) {
    if (buf.length < SIGNATURE.length + 8 || !SIGNATURE.equals(buf.subarray(0, SIGNATURE.length))) throw new Error('not COPY binary data');
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
    this.at = SIGNATURE.length + 8 + this.view.getInt32(SIGNATURE.length + 4); // flags, then the header extension
  }

  /** The next row's field count, or -1 at the trailer (or the end). */
  row(): number {
    if (this.at + 2 > this.buf.length) return -1;
    const fields = this.view.getInt16(this.at);
    this.at += 2;
    return fields;
  }

  /** A field's length, or -1 for NULL; the caller reads that many bytes next. */
  private field(): number {
    const n = this.view.getInt32(this.at);
    this.at += 4;
    if (n > this.buf.length - this.at) throw new Error('COPY binary field runs past the data');
    return n;
  }

  text(): string | null {
    const n = this.field();
    if (n < 0) return null;
    const s = Buffer.from(this.buf.buffer, this.buf.byteOffset + this.at, n).toString('utf8');
    this.at += n;
    return s;
  }

  int4(): number | null {
    const n = this.field();
    if (n < 0) return null;
    const v = this.view.getInt32(this.at);
    this.at += n;
    return v;
  }

  float8(): number | null {
    const n = this.field();
    if (n < 0) return null;
    const v = this.view.getFloat64(this.at);
    this.at += n;
    return v;
  }

  bool(): boolean | null {
    const n = this.field();
    if (n < 0) return null;
    const v = this.buf[this.at] !== 0;
    this.at += n;
    return v;
  }

  /** timestamptz as Unix epoch ms (fractions of a ms kept), or null. */
  timestamptz(): number | null {
    const n = this.field();
    if (n < 0) return null;
    const high = this.view.getInt32(this.at);
    const low = this.view.getUint32(this.at + 4);
    this.at += n;
    const us = high * TWO_32 + low;
    return Number.isSafeInteger(us) ? PG_EPOCH_MS + us / 1000 : PG_EPOCH_MS + Number(this.view.getBigInt64(this.at - 8) / 1000n);
  }
}
