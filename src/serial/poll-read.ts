import { readSync } from 'node:fs';
import type { PortBinding } from './open-port.ts';

/** What the Linux/macOS bindings-cpp port object has beside its methods: the fd and the poller of it. */
interface PolledPort {
  fd: number | null;
  readonly isOpen: boolean;
  poller: { once(event: 'readable', callback: (err: Error | null) => void): unknown };
  read(buffer: Buffer, offset: number, length: number): Promise<{ bytesRead: number; buffer: Buffer }>;
}

type OpenedPort = Awaited<ReturnType<PortBinding['open']>>;

/** Errors a read of a non-blocking tty may give that only mean "nothing yet". */
const NOT_YET = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);

/**
 * `binding` with a cheaper read on the ports it opens, where they have an fd
 * and a poller (bindings-cpp on Linux and macOS; any other binding is
 * returned as it is). bindings-cpp reads with `fs.read` on libuv's thread
 * pool, which costs a hand-off to a pool thread and back per chunk, and,
 * when no data waits, an `EAGAIN` error object before it polls. This read
 * waits for the poller's "readable" first, then reads once with
 * `readSync` on the non-blocking fd, which returns at once: per chunk one
 * `epoll` wake-up and one `read(2)`, on the main thread. Errors keep their
 * meaning for `@serialport/stream`: a cancelled poll (the port closing)
 * rejects as cancelled, anything else (EIO, ENXIO when the USB cable is
 * pulled) rejects as it comes, which the stream treats as a disconnect.
 */
export function withPolledReads(binding: PortBinding): PortBinding {
  return {
    ...binding,
    list: () => binding.list(),
    async open(options) {
      const port = await binding.open(options);
      const polled = port as unknown as PolledPort;
      if (typeof polled.fd === 'number' && typeof polled.poller?.once === 'function') polled.read = (buffer, offset, length) => pollRead(polled, buffer, offset, length);
      return port as OpenedPort;
    },
  } as PortBinding;
}

async function pollRead(port: PolledPort, buffer: Buffer, offset: number, length: number): Promise<{ bytesRead: number; buffer: Buffer }> {
  for (;;) {
    if (!port.isOpen || port.fd === null) throw Object.assign(new Error('Port is not open'), { canceled: true });
    await new Promise<void>((resolve, reject) => port.poller.once('readable', (err) => (err ? reject(err) : resolve())));
    if (port.fd === null) throw Object.assign(new Error('Port is not open'), { canceled: true });
    try {
      const bytesRead = readSync(port.fd, buffer, offset, length, null);
      if (bytesRead > 0) return { bytesRead, buffer };
    } catch (err) {
      if (!NOT_YET.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
    }
  }
}
