import { Transform, type TransformCallback } from 'node:stream';
import { LineSplitter, type LineSplitterOptions } from './line-splitter.ts';

export { DEFAULT_MAX_LINE_BYTES } from './line-splitter.ts';

/** Options of {@link LineFramer}. */
export type LineFramerOptions = Pick<LineSplitterOptions, 'maxLineBytes'>;

/**
 * {@link LineSplitter} as a `Transform` stream (for `pipe()`, as `doctor`
 * does): bytes in, one string per line out (object mode). An overlong line is
 * counted in {@link overlongLines} and announced with an `overlong` event
 * (bytes discarded). The gateway's port uses the splitter directly, without
 * the stream hop per line.
 */
export class LineFramer extends Transform {
  private readonly splitter: LineSplitter;

  constructor(options: LineFramerOptions = {}) {
    super({ readableObjectMode: true });
    this.splitter = new LineSplitter({
      maxLineBytes: options.maxLineBytes,
      onLine: (line) => this.push(line),
      onOverlong: (bytes) => this.emit('overlong', bytes),
    });
  }

  /** Lines discarded for being too long. */
  get overlongLines(): number {
    return this.splitter.overlongLines;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.splitter.push(chunk);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    // A partial line at the end of the stream is not a line: drop it.
    this.splitter.reset();
    callback();
  }
}
