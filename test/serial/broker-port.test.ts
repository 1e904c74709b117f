import test from 'ava';
import { execFileSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { BrokerPort } from '../../src/serial/broker-port.ts';
import type { PortBinding } from '../../src/serial/open-port.ts';
import { feedPty } from '../helpers/pty-feed.ts';
import { startPtyPair, type PtyPair } from '../helpers/pty-pair.ts';
import { LEVEL, recordingLog } from '../helpers/recording-log.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { ManualTimers } from './manual-timers.ts';

async function withPort(
  baudRate: number,
  body: (pty: PtyPair, port: BrokerPort, lines: string[]) => Promise<void>,
  binding?: PortBinding,
): Promise<void> {
  const pty = await startPtyPair();
  const port = new BrokerPort({ path: pty.gatewayPath, baudRate, log: recordingLog().log, binding });
  const lines: string[] = [];
  port.on('line', (l) => lines.push(l));
  try {
    port.start();
    await once(port, 'open');
    await body(pty, port, lines);
  } finally {
    await port.stop();
    await pty.stop();
  }
}

for (const baudRate of [115200, 921600]) {
  test(`lines written at ${baudRate} baud arrive in order, \\r\\n handled`, async (t) => {
    await withPort(baudRate, async (pty, port, lines) => {
      const sent = Array.from({ length: 500 }, (_, i) => `HB,${i},${i * 3},0,0,0,0*0000000${i % 10}`);
      await pty.write(sent.map((l, i) => (i % 2 ? `${l}\r\n` : `${l}\n`)).join(''));
      await waitFor(() => lines.length >= sent.length, 5000, 'all lines');
      t.deepEqual(lines, sent);
      t.is(port.counters.lines, 500);
      t.is(port.counters.bytes, sent.reduce((n, l) => n + l.length + 1, 0) + 250);
    });
  });
}

test('an overlong line from the broker is discarded up to the next newline', async (t) => {
  await withPort(115200, async (pty, port, lines) => {
    await pty.write(`BOOT,1*00\n${'E'.repeat(3000)}\nHB,1*00\n`);
    await waitFor(() => lines.length >= 2, 5000, 'two lines');
    t.deepEqual(lines, ['BOOT,1*00', 'HB,1*00']);
    t.is(port.counters.overlongLines, 1);
  });
});

test('write() sends the line with \\n to the broker', async (t) => {
  await withPort(921600, async (pty, port) => {
    await port.write('TIME,1700000000*0a1b2c3d');
    await port.write('TX,7,a2b2c2d2e2f2,0181*00000000');
    await waitFor(() => pty.received().toString().split('\n').length > 2, 5000, 'bytes at broker');
    t.is(pty.received().toString(), 'TIME,1700000000*0a1b2c3d\nTX,7,a2b2c2d2e2f2,0181*00000000\n');
  });
});

// The back-off runs on ManualTimers: each reopen attempt is fired by hand, so
// the schedule (250, 500, 1000 ms ...) is checked without sleeping through it.
// The device watch runs every 100 ms (fake) so its firings are told apart.
const WATCH_MS = 100;
const backoffs = (timers: ManualTimers, from = 0): number[] => timers.fired.slice(from).filter((ms) => ms !== WATCH_MS);

test('a burst of many tty reads arrives whole and in order; a line after it still comes (back to polling); stop() during a burst ends cleanly', async (t) => {
  await withPort(921600, async (pty, port, lines) => {
    // ~300 kB from another process: each read is a full 4 KiB chunk, read again at the end of the turn without polling.
    const burst = Array.from({ length: 8000 }, (_, i) => `HB,${i},${i * 3},0,0,0,0*${String(i).padStart(8, '0')}`);
    const bytes = Buffer.from(burst.map((l) => `${l}\n`).join(''));
    await feedPty(pty.brokerPath, bytes);
    await waitFor(() => lines.length >= burst.length, 20_000, 'the whole burst');
    t.deepEqual(lines, burst);
    await new Promise((resolve) => setTimeout(resolve, 50)); // nothing waits now: the next read polls
    await pty.write('HB,after*00\n');
    await waitFor(() => lines.includes('HB,after*00'), 5000, 'a line after the burst');
    const second = feedPty(pty.brokerPath, bytes).catch(() => undefined); // cut off when the pty goes
    await waitFor(() => lines.length > burst.length + 100, 20_000, 'the second burst under way');
    await port.stop();
    t.false(port.isOpen);
    await pty.stop();
    await second;
  });
});

test('a device that vanishes and comes back at the same path is reopened, logged once', async (t) => {
  const pty = await startPtyPair();
  const rec = recordingLog();
  const timers = new ManualTimers();
  const port = new BrokerPort({ path: pty.gatewayPath, baudRate: 115200, log: rec.log, timers, watchIntervalMs: WATCH_MS });
  const lines: string[] = [];
  port.on('line', (l) => lines.push(l));
  let closes = 0;
  port.on('close', () => (closes += 1));
  try {
    port.start();
    await once(port, 'open');
    await pty.vanish();
    await timers.runUntil(() => closes === 1, 'the watch to notice');
    const closedAt = timers.fired.length;
    await timers.runUntil(() => backoffs(timers, closedAt).length === 2 && rec.find('still unavailable').length >= 2, 'two failed reopens');
    t.false(port.isOpen);
    t.deepEqual(timers.waiting, [1000], 'the next attempt waits twice as long');
    await pty.reappear();
    await timers.runUntil(() => port.isOpen, 'reopen');
    t.deepEqual(backoffs(timers, closedAt), [250, 500, 1000]);
    await pty.write('HB,2*00\n');
    await waitFor(() => lines.includes('HB,2*00'), 5000, 'line after reopen');
    t.is(port.counters.reopens, 1);
    t.is(rec.find('unavailable', LEVEL.warn).length, 1);
    t.true(rec.find('still unavailable', LEVEL.debug).length >= 2);
    t.is(rec.find('serial port is back', LEVEL.info).length, 1);
  } finally {
    await port.stop();
    await pty.stop();
  }
});

test('the reopen back-off doubles from 250 ms to the 5 s cap', async (t) => {
  const dir = await makeTempDir('serial');
  t.teardown(dir.remove);
  const timers = new ManualTimers();
  const port = new BrokerPort({ path: join(dir.path, 'nothing-yet'), baudRate: 115200, log: recordingLog().log, timers });
  try {
    port.start();
    await timers.runUntil(() => timers.fired.length >= 7, 'seven attempts');
    t.deepEqual(timers.fired.slice(0, 7), [250, 500, 1000, 2000, 4000, 5000, 5000]);
    t.false(port.isOpen);
  } finally {
    await port.stop();
  }
  t.deepEqual(timers.waiting, [], 'stop() leaves no timer behind');
});

test('a path missing at start is retried quietly until it exists', async (t) => {
  const dir = await makeTempDir('serial');
  const path = join(dir.path, 'usb-Espressif_broker-if00');
  const rec = recordingLog();
  const timers = new ManualTimers();
  const port = new BrokerPort({ path, baudRate: 115200, log: rec.log, maxBackoffMs: 500, timers });
  const pty = await startPtyPair();
  try {
    port.start();
    await timers.runUntil(() => rec.find('still unavailable').length >= 2, 'retries');
    execFileSync('ln', ['-s', pty.gatewayPath, path]); // a by-id style symlink to a symlink
    await timers.runUntil(() => port.isOpen, 'open once the path exists');
    t.deepEqual(timers.fired.slice(0, 3), [250, 500, 500]);
    t.is(rec.find('unavailable', LEVEL.warn).length, 1);
    t.is(port.counters.reopens, 0);
  } finally {
    await port.stop();
    await pty.stop();
    await dir.remove();
  }
});

test('write() while the port is closed rejects with a retryable error', async (t) => {
  const port = new BrokerPort({ path: '/nonexistent/tty', baudRate: 115200, log: recordingLog().log });
  const err = await t.throwsAsync(port.write('TIME,1*00'));
  t.like(err, { code: 'SERIAL_NOT_OPEN', retryable: true });
});

test('serial.path /dev/null is not a serial device: one error naming serial.path, then a look every 30 s', async (t) => {
  const rec = recordingLog();
  const timers = new ManualTimers();
  const port = new BrokerPort({ path: '/dev/null', baudRate: 115200, log: rec.log, timers });
  try {
    port.start();
    await timers.runUntil(() => timers.fired.length >= 3, 'three looks');
    t.deepEqual(timers.fired.slice(0, 3), [30_000, 30_000, 30_000]);
    const errors = rec.find('', LEVEL.error);
    t.is(errors.length, 1, JSON.stringify(rec.entries));
    t.is(errors[0].msg, 'serial.path: /dev/null is not a serial device (a character device that is a tty); it is a character device that is not a tty');
    t.is(rec.find('unavailable', LEVEL.warn).length, 0, 'not the "unplugged" warning');
    t.false(port.isOpen);
  } finally {
    await port.stop();
  }
});

test('serial.path a regular file is not a serial device; a tty linked there later is opened', async (t) => {
  const dir = await makeTempDir('serial');
  const path = join(dir.path, 'broker');
  await writeFile(path, 'not a tty\n');
  const rec = recordingLog();
  const timers = new ManualTimers();
  const port = new BrokerPort({ path, baudRate: 115200, log: rec.log, timers });
  const pty = await startPtyPair();
  try {
    port.start();
    await timers.runUntil(() => rec.find('not a serial device', LEVEL.error).length === 1, 'the error');
    t.is(rec.find('not a serial device', LEVEL.error)[0].msg, `serial.path: ${path} is not a serial device (a character device that is a tty); it is a regular file`);
    await rm(path);
    execFileSync('ln', ['-s', pty.gatewayPath, path]);
    await timers.runUntil(() => port.isOpen, 'open once a tty is there');
    t.is(rec.find('serial port is back', LEVEL.info).length, 1);
    t.is(rec.find('not a serial device', LEVEL.error).length, 1, 'said once');
  } finally {
    await port.stop();
    await pty.stop();
    await dir.remove();
  }
});
