/**
 * CPU of reading the serial port alone: 500,000 lines of 121 bytes written
 * to a real socat pty by `cat`, read by the gateway's `openPort` in this
 * process, once through the native binding as the gateway wraps it
 * (src/serial/poll-read.ts: poll, then one `readSync`) and once through
 * bindings-cpp's own read (`fs.read` on the thread pool). Prints µs of this
 * process's CPU (user + system, every thread) per KiB read, and the chunks'
 * mean size; runs alternate, median of `rounds` each.
 */
import { SerialPort } from 'serialport';
import { openPort, type PortBinding } from '../src/serial/open-port.ts';
import { feedPty } from '../test/helpers/pty-feed.ts';
import { startPtyPair } from '../test/helpers/pty-pair.ts';
import { sleep } from '../test/helpers/wait-for.ts';

const LINES = 500_000;

/** One run: CPU µs per KiB read, and the mean chunk size in bytes. */
async function once(binding: PortBinding | undefined): Promise<{ usPerKiB: number; bytesPerChunk: number }> {
  const pty = await startPtyPair();
  try {
    const port = await openPort({ path: pty.gatewayPath, baudRate: 921600, ...(binding ? { binding } : {}) });
    let chunks = 0;
    let bytes = 0;
    port.on('data', (c: Buffer) => {
      chunks += 1;
      bytes += c.length;
    });
    const stream = Buffer.from(`${'x'.repeat(119)}\r\n`.repeat(LINES));
    const cpu = process.cpuUsage();
    await feedPty(pty.brokerPath, stream);
    while (bytes < stream.length) await sleep(5);
    const used = process.cpuUsage(cpu);
    await new Promise((resolve) => port.close(resolve));
    return { usPerKiB: (used.user + used.system) / (bytes / 1024), bytesPerChunk: bytes / chunks };
  } finally {
    await pty.stop();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median CPU µs per KiB read of each read path, and the polled path's mean chunk size. */
export async function benchSerialRead(rounds = 3): Promise<{ polled: number; threadPool: number; bytesPerChunk: number }> {
  const polled: number[] = [];
  const threadPool: number[] = [];
  let size = 0;
  for (let r = 0; r < rounds; r++) {
    const p = await once(undefined);
    polled.push(p.usPerKiB);
    size = p.bytesPerChunk;
    threadPool.push((await once(SerialPort.binding)).usPerKiB);
  }
  return { polled: median(polled), threadPool: median(threadPool), bytesPerChunk: size };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchSerialRead();
  process.stdout.write(`serial read, ${Math.round(r.bytesPerChunk)}-byte chunks: polled ${r.polled.toFixed(2)} us/KiB, thread pool ${r.threadPool.toFixed(2)} us/KiB\n`);
}
