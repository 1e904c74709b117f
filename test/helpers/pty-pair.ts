import { spawn, type ChildProcess } from 'node:child_process';
import { constants, existsSync, openSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';
import { join } from 'node:path';
import { makeTempDir, type TempDir } from './temp-dir.ts';
import { waitFor } from './wait-for.ts';

/**
 * A real pseudo-terminal pair made by `socat`, standing in for the broker's
 * USB serial port: the gateway opens {@link PtyPair.gatewayPath} with the real
 * `serialport`; the test plays the broker on {@link PtyPair.brokerPath}.
 * Both paths are symlinks (like `/dev/serial/by-id/...`).
 */
export interface PtyPair {
  /** Path the gateway opens (symlink to a /dev/pts/N). */
  gatewayPath: string;
  /** Path of the broker's end (symlink). */
  brokerPath: string;
  /** Writes bytes as the broker would. */
  write(data: string | Buffer): Promise<void>;
  /** Everything the gateway wrote to the broker since the last (re)appearance. */
  received(): Buffer;
  /** Makes the device vanish like a pulled USB cable: socat dies, both links go. */
  vanish(): Promise<void>;
  /** Brings the device back at the same paths (a new /dev/pts/N behind them). */
  reappear(): Promise<void>;
  /** Stops socat and removes the temp dir. */
  stop(): Promise<void>;
}

/** Starts `socat -d -d pty,raw,echo=0,link=... pty,raw,echo=0,link=...` and waits for both links. */
export async function startPtyPair(): Promise<PtyPair> {
  const dir: TempDir = await makeTempDir('pty');
  const gatewayPath = join(dir.path, 'gateway');
  const brokerPath = join(dir.path, 'broker');
  let socat: ChildProcess | undefined;
  let broker: { reader: ReadStream; writer: WriteStream } | undefined;
  let chunks: Buffer[] = [];

  const appear = async (): Promise<void> => {
    const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${gatewayPath}`, `pty,raw,echo=0,link=${brokerPath}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    socat = child;
    await waitFor(
      () => child.exitCode !== null || (existsSync(gatewayPath) && existsSync(brokerPath) && stderr.includes('starting data transfer loop')),
      5000,
      'socat links',
    );
    if (child.exitCode !== null) throw new Error(`socat exited ${child.exitCode}: ${stderr}`);
    // One fd per direction; each stream owns its fd and closes it on destroy().
    const flags = constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK;
    const reader = new ReadStream(openSync(brokerPath, flags));
    const writer = new WriteStream(openSync(brokerPath, flags));
    chunks = [];
    reader.on('data', (d: Buffer) => chunks.push(d));
    reader.on('error', () => undefined); // EIO when socat goes away
    writer.on('error', () => undefined);
    broker = { reader, writer };
  };

  const vanish = async (): Promise<void> => {
    const child = socat;
    socat = undefined;
    if (broker) {
      broker.reader.destroy();
      broker.writer.destroy();
      broker = undefined;
    }
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    // socat unlinks its links on a clean exit; wait so "gone" really means gone.
    await waitFor(() => !existsSync(gatewayPath) && !existsSync(brokerPath), 5000, 'socat links removed');
  };

  await appear();
  return {
    gatewayPath,
    brokerPath,
    write: (data) =>
      new Promise((resolve, reject) => {
        if (!broker) return reject(new Error('pty pair: device is gone'));
        broker.writer.write(data, (err) => (err ? reject(err) : resolve()));
      }),
    received: () => Buffer.concat(chunks),
    vanish,
    reappear: appear,
    stop: async () => {
      await vanish();
      await dir.remove();
    },
  };
}
