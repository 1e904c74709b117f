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

/** Most bytes one read of a tty returns (the line discipline's buffer), and the stream's read size (open-port.ts). */
export const TTY_READ_BYTES = 4096;

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
 * `epoll` wake-up and one `read(2)`, on the main thread. Every `read(2)`
 * asks for a whole 4 KiB ({@link TTY_READ_BYTES}): the stream asks for what
 * is left of its 4 KiB pool, often 1-2 KiB after a read of 2-3 KiB, so such a
 * read goes into a carry buffer and the rest is handed out at the stream's
 * next read, without a syscall (a `read(2)` of a pty costs a fixed ~45 µs of
 * CPU on the bench machine, whatever its size: reads of 2.8 KiB on average
 * became reads of up to 4 KiB). Errors keep their
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
      if (typeof polled.fd === 'number' && typeof polled.poller?.once === 'function') {
        const state: ReadState = { full: false, carry: Buffer.allocUnsafe(TTY_READ_BYTES), carryStart: 0, carryEnd: 0 };
        polled.read = (buffer, offset, length) => pollRead(polled, state, buffer, offset, length);
      }
      return port as OpenedPort;
    },
  } as PortBinding;
}

/** A read of at least this many bytes suggests more is waiting (a tty hands out at most 4 KiB per read). */
const FULL_READ_BYTES = 2048;

/** Per port: whether the last read was a big one, and bytes read but not yet taken (`carry[carryStart, carryEnd)`). */
interface ReadState { full: boolean; carry: Buffer; carryStart: number; carryEnd: number }

/**
 * One chunk. After a big read (a burst: more is probably waiting) the next
 * read waits only for the end of this event-loop turn (`setImmediate`, so
 * timers, sockets and the spool's write still run between chunks) and reads
 * at once; only when that finds nothing does it poll again. A poll costs the
 * poller's `epoll_ctl` calls each time, about 4 % of a burst's CPU.
 */
async function pollRead(port: PolledPort, state: ReadState, buffer: Buffer, offset: number, length: number): Promise<{ bytesRead: number; buffer: Buffer }> {
  if (state.carryEnd > state.carryStart && port.isOpen) return { bytesRead: takeCarry(state, buffer, offset, length), buffer };
  // The stream asks for what is left of its read pool (4 KiB), often less than the tty holds: such a read goes to
  // the carry at full size and the stream gets its part now, the rest at its next read, without a syscall.
  const short = length < TTY_READ_BYTES;
  for (;;) {
    if (!port.isOpen || port.fd === null) throw Object.assign(new Error('Port is not open'), { canceled: true });
    if (state.full) {
      state.full = false;
      await new Promise<void>((resolve) => setImmediate(resolve));
    } else {
      await new Promise<void>((resolve, reject) => port.poller.once('readable', (err) => (err ? reject(err) : resolve())));
    }
    if (!port.isOpen || port.fd === null) throw Object.assign(new Error('Port is not open'), { canceled: true });
    try {
      const bytesRead = short ? readSync(port.fd, state.carry, 0, TTY_READ_BYTES, null) : readSync(port.fd, buffer, offset, length, null);
      if (bytesRead > 0) {
        state.full = bytesRead >= FULL_READ_BYTES;
        if (!short) return { bytesRead, buffer };
        state.carryStart = 0;
        state.carryEnd = bytesRead;
        return { bytesRead: takeCarry(state, buffer, offset, length), buffer };
      }
    } catch (err) {
      if (!NOT_YET.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
    }
  }
}

/** Moves up to `length` carried bytes to `buffer[offset]`; returns how many. */
function takeCarry(state: ReadState, buffer: Buffer, offset: number, length: number): number {
  const n = Math.min(length, state.carryEnd - state.carryStart);
  state.carry.copy(buffer, offset, state.carryStart, state.carryStart + n);
  state.carryStart += n;
  return n;
}
