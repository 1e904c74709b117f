import test from 'ava';
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PortBinding } from '../../src/serial/open-port.ts';
import { TTY_READ_BYTES, withPolledReads } from '../../src/serial/poll-read.ts';
import { feedPty } from '../helpers/pty-feed.ts';
import { startPtyPair } from '../helpers/pty-pair.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { openPort } from '../../src/serial/open-port.ts';

/** A bindings-cpp-like port over a real fd (a file read from its start), its poller always readable. */
function fakeBinding(fd: number): { binding: PortBinding; closed: () => void } {
  const port = {
    fd: fd as number | null,
    isOpen: true,
    poller: { once: (_event: 'readable', callback: (err: Error | null) => void) => setImmediate(() => callback(null)) },
    read: async () => ({ bytesRead: 0, buffer: Buffer.alloc(0) }),
  };
  const binding = { open: async () => port, list: async () => [] } as unknown as PortBinding;
  return { binding: withPolledReads(binding), closed: () => { port.isOpen = false; port.fd = null; } };
}

/** Bytes 0, 1, ..., 250, 0, 1, ... (251 is prime: no period lines up with 4 KiB). */
const pattern = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => i % 251));

test('a short read takes a whole 4 KiB from the fd, and the rest is handed out at the next reads without touching it', async (t) => {
  const dir = await makeTempDir('poll-read');
  t.teardown(() => dir.remove());
  const file = join(dir.path, 'stream.bin');
  const data = pattern(3 * TTY_READ_BYTES + 100);
  writeFileSync(file, data);
  const fd = openSync(file, 'r');
  t.teardown(() => closeSync(fd));
  const { binding } = fakeBinding(fd);
  const port = await binding.open({ path: file, baudRate: 921600 } as never) as unknown as { read: (b: Buffer, o: number, l: number) => Promise<{ bytesRead: number }> };

  const pool = Buffer.alloc(TTY_READ_BYTES);
  t.is((await port.read(pool, 100, 1000)).bytesRead, 1000);
  t.deepEqual(pool.subarray(100, 1100), data.subarray(0, 1000));
  // The fd is 4 KiB further on: the next byte read from it directly is byte 4096.
  const probe = Buffer.alloc(1);
  readSync(fd, probe, 0, 1, null);
  t.is(probe[0], data[TTY_READ_BYTES]);
  // The rest of that 4 KiB comes from the carry, in pieces as asked.
  t.is((await port.read(pool, 0, 2000)).bytesRead, 2000);
  t.deepEqual(pool.subarray(0, 2000), data.subarray(1000, 3000));
  t.is((await port.read(pool, 0, 4096)).bytesRead, TTY_READ_BYTES - 3000);
  t.deepEqual(pool.subarray(0, TTY_READ_BYTES - 3000), data.subarray(3000, TTY_READ_BYTES));
});

test('a closed port rejects as cancelled even with bytes carried', async (t) => {
  const dir = await makeTempDir('poll-read');
  t.teardown(() => dir.remove());
  const file = join(dir.path, 'stream.bin');
  writeFileSync(file, pattern(TTY_READ_BYTES));
  const fd = openSync(file, 'r');
  t.teardown(() => closeSync(fd));
  const { binding, closed } = fakeBinding(fd);
  const port = await binding.open({ path: file, baudRate: 921600 } as never) as unknown as { read: (b: Buffer, o: number, l: number) => Promise<{ bytesRead: number }> };
  t.is((await port.read(Buffer.alloc(100), 0, 100)).bytesRead, 100);
  closed();
  const err = await t.throwsAsync(port.read(Buffer.alloc(100), 0, 100));
  t.true((err as Error & { canceled?: boolean }).canceled);
});

test('a real pty: 2 MB written by cat arrive whole and in order, in chunks of at most 4 KiB', async (t) => {
  const pty = await startPtyPair();
  t.teardown(() => pty.stop());
  const port = await openPort({ path: pty.gatewayPath, baudRate: 921600 });
  t.teardown(() => new Promise<void>((resolve) => port.close(() => resolve())));
  const data = pattern(2_000_000);
  const chunks: Buffer[] = [];
  let bytes = 0;
  let biggest = 0;
  const all = new Promise<void>((resolve) => port.on('data', (c: Buffer) => {
    chunks.push(Buffer.from(c));
    bytes += c.length;
    biggest = Math.max(biggest, c.length);
    if (bytes >= data.length) resolve();
  }));
  await feedPty(pty.brokerPath, data);
  await all;
  t.true(Buffer.concat(chunks).equals(data));
  t.true(biggest <= TTY_READ_BYTES);
  t.log(`${chunks.length} chunks, ${Math.round(bytes / chunks.length)} bytes each on average`);
});
