import test from 'ava';
import fc from 'fast-check';
import { EventEmitter } from 'node:events';
import { LineFramer } from '../../src/serial/line-framer.ts';
import { LineSplitter } from '../../src/serial/line-splitter.ts';

/** What the tests need of either: write bytes, count overlong lines, `overlong` events, the held buffer. */
interface Framer {
  write(chunk: Buffer): void;
  readonly overlongLines: number;
  on(event: 'overlong', listener: (bytes: number) => void): void;
  held(): Buffer;
}

/** The splitter the port uses, and the Transform stream around it that `doctor` pipes into: same behaviour. */
const kinds = {
  stream: (maxLineBytes: number | undefined, lines: string[]): Framer => {
    const framer = new LineFramer({ maxLineBytes });
    framer.on('data', (line: string) => lines.push(line));
    return Object.assign(framer, { held: () => (framer as unknown as { splitter: { pending: Buffer } }).splitter.pending });
  },
  splitter: (maxLineBytes: number | undefined, lines: string[]): Framer => {
    const events = new EventEmitter();
    const splitter = new LineSplitter({ maxLineBytes, onLine: (line) => lines.push(line), onOverlong: (bytes) => events.emit('overlong', bytes) });
    return {
      write: (chunk) => splitter.push(chunk),
      get overlongLines() { return splitter.overlongLines; },
      on: (event, listener) => void events.on(event, listener),
      held: () => (splitter as unknown as { pending: Buffer }).pending,
    };
  },
};

for (const [kind, make] of Object.entries(kinds)) {
  /** Feeds chunks through a framer, returns the lines and the framer. */
  function frame(chunks: (string | Buffer)[], maxLineBytes?: number): { lines: string[]; framer: Framer } {
    const lines: string[] = [];
    const framer = make(maxLineBytes, lines);
    for (const c of chunks) framer.write(Buffer.from(c));
    return { lines, framer };
  }

  const tick = () => new Promise((r) => setImmediate(r));

  test(`${kind}: splits on \\n and strips one \\r before it`, async (t) => {
    const { lines } = frame(['RX,a*1\r\nHB,1*2\nX\r\r\n']);
    await tick();
    t.deepEqual(lines, ['RX,a*1', 'HB,1*2', 'X\r']);
  });

  test(`${kind}: a line split across chunks is joined`, async (t) => {
    const { lines } = frame(['RX,a2', 'b2', 'c2*0', '0\r', '\nnext', '\n']);
    await tick();
    t.deepEqual(lines, ['RX,a2b2c2*00', 'next']);
  });

  test(`${kind}: overlong line is discarded up to the next newline and counted`, async (t) => {
    const { lines, framer } = frame(['ok1\n', 'x'.repeat(1500), 'y'.repeat(10), '\nok2\n']);
    const overlong: number[] = [];
    framer.on('overlong', (n: number) => overlong.push(n));
    framer.write(Buffer.from('z'.repeat(1025) + '\nok3\n'));
    await tick();
    t.deepEqual(lines, ['ok1', 'ok2', 'ok3']);
    t.is(framer.overlongLines, 2);
    t.deepEqual(overlong, [1025]);
  });

  test(`${kind}: exactly 1024 bytes is a line, with or without \\r; 1025 is not`, async (t) => {
    const max = 'a'.repeat(1024);
    const { lines, framer } = frame([`${max}\n${max}\r\n${max}b\n`]);
    await tick();
    t.deepEqual(lines, [max, max]);
    t.is(framer.overlongLines, 1);
  });

  test(`${kind}: a stream without newlines is not buffered: 4 MiB of noise then a line`, async (t) => {
    const noise = Buffer.alloc(64 * 1024, 0x41);
    const { lines, framer } = frame([]);
    for (let i = 0; i < 64; i++) framer.write(noise);
    framer.write(Buffer.from('\nHB,1*00\n'));
    await tick();
    t.deepEqual(lines, ['HB,1*00']);
    t.is(framer.overlongLines, 1);
    // The only buffer is the fixed one allocated in the constructor.
    t.is(framer.held().length, 1025);
  });

  test(`${kind}: property: any chunking gives the same lines as splitting the whole`, async (t) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.stringMatching(/^[A-Z,0-9*\r]{0,40}$/), { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 }),
        async (rawLines, cuts) => {
          const text = rawLines.map((l) => `${l}\n`).join('');
          const whole = Buffer.from(text);
          const chunks: Buffer[] = [];
          let at = 0;
          for (let i = 0; at < whole.length; i++) {
            const n = cuts[i % cuts.length];
            chunks.push(whole.subarray(at, at + n));
            at += n;
          }
          const { lines } = frame(chunks, 30);
          await tick();
          const expected = rawLines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)).filter((l) => Buffer.byteLength(l) <= 30);
          t.deepEqual(lines, expected);
        },
      ),
      { numRuns: 200 },
    );
  });
}
