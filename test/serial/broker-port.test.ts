import test from 'ava';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { BrokerPort } from '../../src/serial/broker-port.ts';
import type { PortBinding } from '../../src/serial/open-port.ts';
import { startPtyPair, type PtyPair } from '../helpers/pty-pair.ts';
import { LEVEL, recordingLog } from '../helpers/recording-log.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

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

test('a device that vanishes and comes back at the same path is reopened, logged once', async (t) => {
  const pty = await startPtyPair();
  const rec = recordingLog();
  const port = new BrokerPort({ path: pty.gatewayPath, baudRate: 115200, log: rec.log });
  const lines: string[] = [];
  port.on('line', (l) => lines.push(l));
  let closes = 0;
  port.on('close', () => (closes += 1));
  try {
    port.start();
    await once(port, 'open');
    await pty.vanish();
    await waitFor(() => closes === 1, 5000, 'close event');
    // Long enough for several failed reopen attempts (250, 500, 1000 ms).
    await new Promise((r) => setTimeout(r, 2000));
    t.false(port.isOpen);
    await pty.reappear();
    await waitFor(() => port.isOpen, 5000, 'reopen within 5 s');
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

test('a path missing at start is retried quietly until it exists', async (t) => {
  const dir = await makeTempDir('serial');
  const path = join(dir.path, 'usb-Espressif_broker-if00');
  const rec = recordingLog();
  const port = new BrokerPort({ path, baudRate: 115200, log: rec.log, maxBackoffMs: 500 });
  const pty = await startPtyPair();
  try {
    port.start();
    await waitFor(() => rec.find('still unavailable').length >= 2, 5000, 'retries');
    execFileSync('ln', ['-s', pty.gatewayPath, path]); // a by-id style symlink to a symlink
    await waitFor(() => port.isOpen, 5000, 'open once the path exists');
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
