import test from 'ava';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/index.ts';
import { silentLogger } from '../../src/log.ts';
import { Gateway } from '../../src/main.ts';
import { CAPABILITY_BITS, encodeBrokerEvent, encodeMessage, KIND, record } from '../../src/protocol/index.ts';
import { startPtyPair } from '../helpers/pty-pair.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { startVictoria } from '../helpers/victoria.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SOCKET = 'a2b2c2d2e2f4';
const rx = (seq: number, kind: number, records: ReturnType<typeof record>[]) =>
  `${encodeBrokerEvent({ type: 'rx', mac: SOCKET, rssi: -52, payload: encodeMessage({ kind, boot: 4, seq, records }) })}\n`;

/*
 * The whole gateway in one process on a real socat pty and a real
 * VictoriaMetrics: a command submitted to the queue leaves as the exact TX
 * line of the protocol's worked example, the broker's TXR and the node's
 * RESULT (written on the pty as the firmware would) walk it to `ok`, the node
 * read model shows the confirmed relay, and every status is a point in the store.
 */
test('command path on a real pty: TX line out, TXR and RESULT in, relay confirmed, one command point per status', async (t) => {
  t.timeout(60_000);
  const dir = await makeTempDir('commands');
  const pty = await startPtyPair();
  const vm = await startVictoria();
  const config = await parseConfig(JSON.stringify({
    gateway: 'cmd-gw', dataDir: join(dir.path, 'data'), serial: { path: pty.gatewayPath, baudRate: 115200 },
    influx: { url: vm.url, org: 'home', bucket: 'sensors', token: 'secret', flushIntervalMs: 100 },
    nodes: { [SOCKET]: 'Hall' }, clock: { requireSync: false },
  }), join(dir.path, 'gateway.yaml'));
  const gateway = new Gateway({ config, log: silentLogger });
  t.teardown(async () => { await gateway.stop(); await pty.stop(); await vm.stop(); await dir.remove(); });
  const statuses: string[] = [];
  gateway.bus.on('commandChanged', (c) => statuses.push(c.status));
  await gateway.start();
  await waitFor(() => gateway.port.isOpen, 10_000, 'port open');

  await pty.write(encodeBrokerEvent({ type: 'hb', uptimeS: 5, rx: 0, rxDropped: 0, tx: 0, txFailed: 0, queued: 0 }) + '\n');
  await pty.write(rx(30, KIND.HELLO, [record('capabilities', CAPABILITY_BITS.POWER_METER | CAPABILITY_BITS.RELAY | CAPABILITY_BITS.LISTENING), record('channel', 2), record('relay', 0)]));
  await waitFor(() => gateway.nodes.get(SOCKET)?.channels.length === 1, 5_000, 'the socket heard');

  const command = gateway.commands.submit('a2:b2:c2:d2:e2:f4', { type: 'relay', channel: 2, state: 'toggle', autoOffS: 600 }, 'api');
  t.like(command, { status: 'accepted', action: { type: 'relay', channel: 2, state: 'on', autoOffS: 600 } });
  const tx = await waitFor(() => pty.received().toString().split('\n').find((l) => l.startsWith('TX,')), 5_000, 'the TX line');
  const id = command.id;
  const hexId = (id & 0xff).toString(16).padStart(2, '0') + (id >> 8).toString(16).padStart(2, '0');
  // Section 4's worked example with this command's id: header (v1, COMMAND, boot 0, seq = id), id, channel 2, relay on, auto-off 600 s.
  t.regex(tx, new RegExp(`^TX,${id},${SOCKET},0181 0000${hexId}5102${hexId}0f0102140101 57025802\\*[0-9a-f]{8}$`.replace(/ /g, '')));
  t.is(gateway.nodes.get(SOCKET)?.channels[0].pendingCommand?.id, id);

  await pty.write(`${encodeBrokerEvent({ type: 'txr', id, status: 'sent' })}\n`);
  await pty.write(rx(31, KIND.RESULT, [record('commandId', id), record('outcome', 0), record('channel', 2), record('relay', 1)]));
  const final = await gateway.commands.waitFinal(id, 5_000);
  t.is(final?.status, 'ok');
  t.deepEqual(statuses, ['accepted', 'sent', 'ok']);
  t.like(gateway.nodes.get(SOCKET)?.channels[0], { relay: true, pendingCommand: undefined });

  const stored = await waitFor(async () => {
    const series = await vm.export('{__name__="command_id"}');
    return series.reduce((n, s) => n + s.values.length, 0) >= 3 ? series : undefined;
  }, 10_000, 'three command points in the store');
  t.like(stored[0].metric, { node: 'a2:b2:c2:d2:e2:f4', room: 'Hall', channel: '2', gateway: 'cmd-gw' });
  t.deepEqual(stored[0].values, [id, id, id]);
});
