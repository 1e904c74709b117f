import test from 'ava';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.ts';
import { Gateway } from '../../src/main.ts';
import { writeConfig } from '../helpers/gateway-process.ts';
import { storedKeys } from '../helpers/numbered-frames.ts';
import { startPtyPair } from '../helpers/pty-pair.ts';
import { feedPty } from '../helpers/pty-feed.ts';
import { recordingLog } from '../helpers/recording-log.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { startVictoria } from '../helpers/victoria.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { garbageStream } from './garbage-stream.ts';

test.serial('10^5 lines of frames mixed with garbage: every valid frame stored, every counter right, nothing crashes', async (t) => {
  t.timeout(90_000);
  const dir = await makeTempDir('garbage');
  const pty = await startPtyPair();
  const vm = await startVictoria();
  const { log, entries } = recordingLog('warn');
  let gateway: Gateway | undefined;
  t.teardown(async () => {
    await gateway?.stop();
    await pty.stop();
    await vm.stop();
    await dir.remove();
  });
  const file = await writeConfig(dir.path, {
    gateway: 'garbage-gw',
    dataDir: join(dir.path, 'data'),
    serial: { path: pty.gatewayPath, baudRate: 921600 },
    influx: { url: vm.url, org: 'home', bucket: 'sensors', token: 'secret', flushIntervalMs: 100 },
    clock: { requireSync: false },
  });
  gateway = new Gateway({ config: await loadConfig(file), log });
  await gateway.start();
  await waitFor(() => gateway!.port.isOpen, 10_000, 'port open');

  const { bytes, expect } = garbageStream(100_000);
  t.log(`${bytes.length} bytes: ${expect.messages} messages, ${expect.duplicates} duplicates, ${expect.consoleLines} console lines, ${expect.overlongLines} over-long, ${expect.badFrames} bad frames, ${expect.badMessages} bad messages, ${expect.lost} lost`);
  await feedPty(pty.brokerPath, bytes);

  const gw = gateway;
  await waitFor(() => gw.port.counters.lines + gw.port.counters.overlongLines >= expect.lines + expect.overlongLines, 60_000, 'every line read');
  await waitFor(() => gw.sink.status().backlogPoints === 0, 30_000, 'the spool drained');
  const c = gw.pipeline.counters;
  t.like(c, {
    frames: expect.frames, consoleLines: expect.consoleLines, badFrames: expect.badFrames, badMessages: expect.badMessages,
    messages: expect.messages, duplicates: expect.duplicates, heartbeats: expect.heartbeats, points: expect.points,
  });
  t.like(gw.port.counters, { lines: expect.lines, overlongLines: expect.overlongLines, reopens: 0 });
  t.like(gw.registry.counters, { messages: expect.messages, duplicates: expect.duplicates, lost: expect.lost });

  // Acknowledged by the server is not yet searchable in it: VictoriaMetrics indexes new rows in the background.
  let stored = new Map<string, number>();
  await waitFor(async () => {
    stored = storedKeys(await vm.export('{__name__="node_awake"}'));
    return stored.size >= expect.keys.length;
  }, 20_000, 'the points searchable', 500).catch(() => undefined);
  t.is(stored.size, expect.keys.length, 'one stored message per valid message');
  t.deepEqual(expect.keys.filter((k) => stored.get(k) !== 1), [], 'each exactly once');
  const lost = (await vm.export('{__name__="node_lost"}')).flatMap((s) => s.values).reduce((a, b) => a + b, 0);
  t.is(lost, expect.lost, 'seq gaps stored as node.lost');
  t.is(await vm.count('{__name__="broker_uptime"}'), expect.heartbeats);
  t.deepEqual(entries.filter((e) => e.level >= 50), [], 'no error logged');
  t.true(gw.port.isOpen, 'still reading');
});
