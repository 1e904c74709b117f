/**
 * The one place that opens a real serial port. Everything else gets a
 * {@link PortStream} from {@link openPort}, and tests hand in their own
 * binding (a recording wrapper or `@serialport/binding-mock`).
 *
 * Why the options below keep the ESP32 from resetting (facts from
 * `@serialport/bindings-cpp` 13 `src/serialport_unix.cpp` and `@serialport/stream` 13):
 * - The ESP32 dev-board auto-reset circuit (two cross-coupled transistors on
 *   DTR/RTS, or the USB-Serial/JTAG of the C3/S3) pulls EN low only when RTS is
 *   asserted while DTR is not. Both asserted together, or both released
 *   together, leave the chip running.
 * - Linux's `open(2)` of a tty raises DTR and RTS together (one
 *   `tty_port_raise_dtr_rts()`, one USB control request on CP210x, CH34x and
 *   CDC-ACM) unless the baud rate is B0: no reset, and nothing user space can
 *   change before the open.
 * - bindings-cpp then sets `HUPCL` by default (`hupcl: true`), which makes the
 *   kernel DROP DTR/RTS when the port is closed (gateway restart, reopen after
 *   an error). We pass `hupcl: false` so closing leaves the lines as they are
 *   and the next open finds them already raised: no edge at all.
 * - `@serialport/stream` 13 never calls `set()` on open (its `dtr: true,
 *   rts: true` defaults apply only when `set()` is called), and this gateway
 *   never calls `set()`. test/serial/no-reset.test.ts records this.
 * - bindings-cpp opens with `O_NOCTTY | O_NONBLOCK` and `flock(LOCK_EX)`
 *   (`lock: true`), so a second gateway (or a stray `screen`) gets a clear error.
 * Symlinks such as `/dev/serial/by-id/usb-Espressif_...` are followed by
 * `open(2)`; the by-id name survives replugs, `/dev/ttyUSB0` may not.
 */
import { SerialPort } from 'serialport';
import { SerialPortStream } from '@serialport/stream';
import { TTY_READ_BYTES, withPolledReads } from './poll-read.ts';

/** The serial stream the rest of the gateway sees (a Duplex with `close` events). */
export type PortStream = SerialPortStream;

/** A serialport binding; tests pass a recording or mock one. */
export type PortBinding = ConstructorParameters<typeof SerialPortStream>[0]['binding'];

/**
 * The platform's native binding (bindings-cpp), reading through its poller on
 * the main thread instead of the thread pool (poll-read.ts); tests wrap it to
 * record calls.
 */
export const nativeBinding: PortBinding = withPolledReads(SerialPort.binding);

/** Options of {@link openPort}. */
export interface OpenPortOptions {
  /** Device path; symlinks (`/dev/serial/by-id/...`) are fine. */
  path: string;
  /** Bits per second, e.g. 115200 (protocol default) or 921600. */
  baudRate: number;
  /** Binding to open through; default the platform's native one. */
  binding?: PortBinding;
}

export { TTY_READ_BYTES };

/** A function that opens a port and resolves once it is open; {@link openPort} is the real one. */
export type OpenPort = (options: OpenPortOptions) => Promise<PortStream>;

/** Opens the port 8N1, no flow control, without touching DTR/RTS (see the file comment). */
export const openPort: OpenPort = ({ path, baudRate, binding }) =>
  new Promise((resolve, reject) => {
    const port = new SerialPortStream({
      binding: binding ?? nativeBinding,
      path,
      baudRate,
      hupcl: false,
      lock: true,
      autoOpen: false,
      // The stream reads into a pool of this many bytes and takes a new one when it runs low. A tty never returns more
      // than 4 KiB per read, so a 64 KiB pool (the default) served 16 reads, lived through many young-generation GCs and
      // was freed only at a full one: 23 MB of 64 KiB pools per 200,000-frame burst, several MB waiting at any time.
      // A 4 KiB one is a slice of Node's own Buffer pool and dies young.
      highWaterMark: TTY_READ_BYTES,
    });
    port.open((err) => (err ? reject(err) : resolve(port)));
  });
