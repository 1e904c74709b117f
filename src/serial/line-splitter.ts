/** Longest line accepted, in bytes without the `\r\n` (protocol section 2). */
export const DEFAULT_MAX_LINE_BYTES = 1024;

const LF = 0x0a;
const CR = 0x0d;

/** Options of {@link LineSplitter}. */
export interface LineSplitterOptions {
  /** Longer lines are discarded up to the next `\n`. Bytes; default {@link DEFAULT_MAX_LINE_BYTES}. */
  maxLineBytes?: number;
  /** Called with each line (UTF-8, without `\n` and one `\r` before it), in order, from {@link LineSplitter.push}. */
  onLine: (line: string) => void;
  /** Called with the bytes discarded of each overlong line. */
  onOverlong?: (bytes: number) => void;
}

/**
 * Splits a byte stream on `\n` into strings (UTF-8), dropping one `\r` before
 * the `\n`, with no stream in between: {@link push} calls `onLine` for each
 * whole line of the chunk at once. A line longer than `maxLineBytes` is
 * discarded up to the next `\n`, counted in {@link overlongLines} and
 * reported to `onOverlong`: at most `maxLineBytes + 1` bytes are ever held,
 * whatever arrives. A line that lies whole inside one chunk is decoded
 * straight from the chunk; only a line cut by a chunk boundary is copied.
 */
export class LineSplitter {
  /** Lines discarded for being too long. */
  overlongLines = 0;
  private readonly maxLineBytes: number;
  private readonly onLine: (line: string) => void;
  private readonly onOverlong: ((bytes: number) => void) | undefined;
  private readonly pending: Buffer;
  private used = 0;
  /** Bytes thrown away of the current overlong line, or -1 when not discarding. */
  private discarding = -1;

  constructor(options: LineSplitterOptions) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.onLine = options.onLine;
    this.onOverlong = options.onOverlong;
    // +1: room for the `\r` that may precede the `\n` of a maximal line.
    this.pending = Buffer.alloc(this.maxLineBytes + 1);
  }

  /** Feeds one chunk; calls `onLine` for every line it completes. */
  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const lf = chunk.indexOf(LF, start);
      if (lf === -1) {
        this.append(chunk, start, chunk.length);
        return;
      }
      if (this.used === 0 && this.discarding < 0) {
        // The common case: the whole line is in this chunk.
        const end = lf > start && chunk[lf - 1] === CR ? lf - 1 : lf;
        if (end - start > this.maxLineBytes) this.overlong(lf - start);
        else this.onLine(chunk.toString('utf8', start, end));
      } else {
        this.append(chunk, start, lf);
        this.endLine();
      }
      start = lf + 1;
    }
  }

  /** Forgets a partial line (end of stream: it is not a line). */
  reset(): void {
    this.used = 0;
    this.discarding = -1;
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
      this.overlong(this.discarding >= 0 ? this.discarding : this.used);
    } else {
      this.onLine(this.pending.toString('utf8', 0, length));
    }
    this.used = 0;
    this.discarding = -1;
  }

  private overlong(bytes: number): void {
    this.overlongLines += 1;
    this.onOverlong?.(bytes);
  }
}
