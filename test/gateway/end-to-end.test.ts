import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeBrokerEvent, encodeMessage, KIND } from '../../src/protocol/index.ts';
import { spawnGateway, writeConfig, REPO } from '../helpers/gateway-process.ts';
import { startPtyPair } from '../helpers/pty-pair.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { startVictoria, type ExportedSeries } from '../helpers/victoria.ts';
import { waitFor } from '../helpers/wait-for.ts';

interface Vectors { lines: { name: string; line: string; frame: boolean }[] }
const vectors = JSON.parse(readFileSync(join(REPO, 'test/fixtures/protocol-vectors.json'), 'utf8')) as Vectors;

const value = (series: ExportedSeries[], name: string, labels: Record<string, string> = {}): number[] =>
  series
    .filter((s) => s.metric.__name__ === name && Object.entries(labels).every(([k, v]) => s.metric[k] === v))
    .flatMap((s) => s.values);

for (const baudRate of [115200, 921600]) {
  test.serial(`frames written to the pty at ${baudRate} baud land in the time-series server as documented`, async (t) => {
    const dir = await makeTempDir('e2e');
    const pty = await startPtyPair();
    const vm = await startVictoria();
    t.teardown(async () => { await pty.stop(); await vm.stop(); await dir.remove(); });
    const config = await writeConfig(dir.path, {
      gateway: 'test-gw',
      dataDir: join(dir.path, 'data'),
      serial: { path: pty.gatewayPath, baudRate },
      influx: { url: vm.url, org: 'home', bucket: 'sensors', token: 'secret', flushIntervalMs: 100 },
      nodes: { 'A2-B2-C2-D2-E2-F2': 'Kitchen' },
      clock: { requireSync: false },
    });
    const gw = spawnGateway(['run', '--config', config]);
    t.teardown(() => gw.stop('SIGKILL').then(() => undefined));
    await gw.waitForLog((l) => l.msg === 'serial port open' || l.msg === 'gateway started', 15_000, 'gateway start');
    await waitFor(() => gw.logs.some((l) => String(l.msg).includes('open')), 10_000, 'port open');

    // The worked example of the protocol (REPORT boot 3 seq 258 at -61 dBm) among console noise.
    const worked = vectors.lines.find((l) => l.name.startsWith('worked example'))!.line;
    const unknownReport = encodeMessage({ kind: KIND.REPORT, boot: 1, seq: 7, records: [{ type: 0x01, raw: -512 }, { type: 0x05, raw: 3300 }, { type: 0x06, raw: 4 }] });
    await pty.write([
      'MicroPython v1.27.0 on 2026-01-01; ESP32 module with ESP32',
      worked,
      'garbage \x01\x02\xff',
      worked, // duplicate: dropped
      encodeBrokerEvent({ type: 'rx', mac: '0011223344ff', payload: unknownReport }),
      encodeBrokerEvent({ type: 'hb', uptimeS: 60, rx: 3, rxDropped: 1, tx: 0, txFailed: 0, queued: 2 }),
      '',
    ].join('\r\n'));

    const series = await waitFor(async () => {
      const all = await vm.export();
      return value(all, 'broker_queued').length > 0 && value(all, 'node_battery', { node: '00:11:22:33:44:ff' }).length > 0 ? all : undefined;
    }, 15_000, 'points in VictoriaMetrics');

    const kitchen = { room: 'Kitchen', node: 'a2:b2:c2:d2:e2:f2', gateway: 'test-gw' };
    t.deepEqual(value(series, 'environment_temperature', kitchen), [21.53]);
    t.deepEqual(value(series, 'environment_humidity', kitchen), [40.12]);
    t.deepEqual(value(series, 'environment_pressure', kitchen), [1013.25]);
    t.deepEqual(value(series, 'environment_illuminance', kitchen), [345.67]);
    t.deepEqual(value(series, 'node_battery', kitchen), [3.912]);
    t.deepEqual(value(series, 'node_rssi', kitchen), [-61]);
    t.deepEqual(value(series, 'node_lost', kitchen), [0]);
    const unknown = { room: 'unknown', node: '00:11:22:33:44:ff' };
    t.deepEqual(value(series, 'environment_temperature', unknown), [-5.12]);
    t.deepEqual(value(series, 'node_status', unknown), [4]);
    t.deepEqual(value(series, 'broker_rx_dropped', { gateway: 'test-gw' }), [1]);
    t.deepEqual(value(series, 'broker_queued', { gateway: 'test-gw' }), [2]);
    t.truthy(gw.logs.find((l) => l.yaml === '  "00:11:22:33:44:ff": <room name>'), 'the unknown node is logged with the YAML line to add');

    t.is(await gw.stop('SIGTERM'), 0, 'SIGTERM: flushes and exits 0');
  });
}
