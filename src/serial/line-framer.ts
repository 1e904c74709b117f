import { Transform, type TransformCallback } from 'node:stream';

/** Longest line accepted, in bytes without the `\r\n` (protocol section 2). */
export const DEFAULT_MAX_LINE_BYTES = 1024;

const LF = 0x0a;
const CR = 0x0d;

/** Options of {@link LineFramer}. */
export interface LineFramerOptions {
  /** Longer lines are discarded up to the next `\n`. Bytes; default {@link DEFAULT_MAX_LINE_BYTES}. */
  maxLineBytes?: number;
}

/**
 * Splits a byte stream on `\n` into strings (UTF-8), dropping one `\r` before
 * the `\n`. A line longer than `maxLineBytes` is discarded up to the next `\n`,
 * counted in {@link overlongLines} and announced with an `overlong` event
 * (bytes discarded): at most `maxLineBytes + 1` bytes are ever held, whatever
 * arrives. Knows nothing of ports.
 */
export class LineFramer extends Transform {
  /** Lines discarded for being too long. */
  overlongLines = 0;
  private readonly maxLineBytes: number;
  private readonly pending: Buffer;
  private used = 0;
  /** Bytes thrown away of the current overlong line, or -1 when not discarding. */
  private discarding = -1;

  constructor(options: LineFramerOptions = {}) {
    super({ readableObjectMode: true });
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    // +1: room for the `\r` that may precede the `\n` of a maximal line.
    this.pending = Buffer.alloc(this.maxLineBytes + 1);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let start = 0;
    while (start < chunk.length) {
      const lf = chunk.indexOf(LF, start);
      const end = lf === -1 ? chunk.length : lf;
      this.append(chunk, start, end);
      if (lf === -1) break;
      this.endLine();
      start = lf + 1;
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    // A partial line at the end of the stream is not a line: drop it.
    this.used = 0;
    this.discarding = -1;
    callback();
  }

  private append(chunk: Buffer, start: number, end: number): void {
    const length = end - start;
    if (this.discarding >= 0) {
      this.discarding += length;
    } else if (this.used + length > this.pending.length) {
      this.discarding = this.used + length;
      this.used = 0;
    } else {
      chunk.copy(this.pending, this.used, start, end);
      this.used += length;
    }
  }

  private endLine(): void {
    let length = this.used;
    if (length > 0 && this.pending[length - 1] === CR) length -= 1;
    if (this.discarding >= 0 || length > this.maxLineBytes) {
      this.overlongLines += 1;
      this.emit('overlong', this.discarding >= 0 ? this.discarding : this.used);
    } else {
      this.push(this.pending.toString('utf8', 0, length));
    }
    this.used = 0;
    this.discarding = -1;
  }
}
