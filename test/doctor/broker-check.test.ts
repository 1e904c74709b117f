import test from 'ava';
import { encodeLine } from '../../src/protocol/index.ts';
import { openPort } from '../../src/serial/open-port.ts';
import { checkBrokerLine } from '../../src/doctor/index.ts';
import { startPtyPair } from '../helpers/pty-pair.ts';
import { waitFor } from '../helpers/wait-for.ts';

// A real pseudo-terminal pair (socat) in front of the real serialport.

const HB = `${encodeLine('HB', ['3605', '120', '2', '4', '0', '1'])}\n`;

test('passes on an HB line after console text, reading through the real serial port', async (t) => {
  const pty = await startPtyPair();
  t.teardown(pty.stop);
  // The broker speaks once the port is open; repeat until the check has seen it.
  const writer = setInterval(() => void pty.write(`MicroPython v1.27 on ESP32\r\n>>> \r\n${HB}`).catch(() => undefined), 50);
  t.teardown(() => clearInterval(writer));
  const r = await checkBrokerLine({ path: pty.gatewayPath, baudRate: 115200, openPort, windowMs: 10_000 });
  t.true(r.ok, r.detail);
  t.is(r.detail, `${pty.gatewayPath}: HB: broker up 3605 s, 120 messages received, 2 dropped`);
});

test('fails naming what it saw when only garbled lines and console text arrive', async (t) => {
  const pty = await startPtyPair();
  t.teardown(pty.stop);
  const badCrc = `${HB.slice(0, -10)}00000000\n`;
  const writer = setInterval(() => void pty.write(`Traceback (most recent call last):\n${badCrc}`).catch(() => undefined), 20);
  t.teardown(() => clearInterval(writer));
  const r = await checkBrokerLine({ path: pty.gatewayPath, baudRate: 115200, openPort, windowMs: 400 });
  t.false(r.ok);
  t.regex(r.detail, /lines in 0 s, none BOOT or HB \(\d+ with a bad CRC, \d+ console text, 0 other frames\)/);
  t.regex(r.fix ?? '', /baudRate/);
});

test('a port held by the running gateway is a skip with the way to run the check', async (t) => {
  const pty = await startPtyPair();
  t.teardown(pty.stop);
  const held = await openPort({ path: pty.gatewayPath, baudRate: 115200 });
  t.teardown(() => new Promise<void>((resolve) => held.close(() => resolve())));
  await waitFor(() => held.isOpen, 2000, 'first open');
  const r = await checkBrokerLine({ path: pty.gatewayPath, baudRate: 115200, openPort, windowMs: 400 });
  t.true(r.skipped, r.detail);
  t.regex(r.fix ?? '', /systemctl stop espnow-gateway/);
});
