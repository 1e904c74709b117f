import { startPtyPair } from '../test/helpers/pty-pair.ts';
import { makeTempDir } from '../test/helpers/temp-dir.ts';
import { startVictoria } from '../test/helpers/victoria.ts';
import { startAckProxy } from './ack-proxy.ts';
import { GATEWAY_NODE_FLAGS } from './control-gateway.ts';
import { apiRows, startUpRows, type AddRow } from './control-api.ts';
import { memoryRows } from './control-memory.ts';

/**
 * The control side's rows of `npm run bench` (alone with `-- --api-only`):
 * start-up times, `GET /api/nodes` latency with 100 nodes, event-stream
 * fan-out, `PUT .../relay` to the `TX` line, and the service's RSS in four
 * configurations against the 100 MB budget. Each gateway is the built CLI
 * (`node <bin> run`) on a real socat pty, writing to a real VictoriaMetrics
 * through the acknowledging proxy; MQTT goes to a real mosquitto. `quick`
 * shortens the real-time runs from 30 s to 10 s.
 */
export async function benchControlSide(bin: string, add: AddRow, quick: boolean): Promise<void> {
  const say = (text: string): void => void process.stderr.write(`bench: ${text}\n`);
  const dir = await makeTempDir('bench-control');
  const pty = await startPtyPair();
  const vm = await startVictoria();
  const proxy = await startAckProxy(vm.url);
  const rig = { bin, dir: dir.path, pty, influxUrl: proxy.url, add, quick };
  try {
    say(`control side: start-up times${GATEWAY_NODE_FLAGS.length ? ` (gateways run with node ${GATEWAY_NODE_FLAGS.join(' ')})` : ''}`);
    await startUpRows(rig, 'pipeline only', {});
    await startUpRows(rig, 'API on', { api: true });
    say('control side: GET /api/nodes, RSS with the page open, SSE fan-out, relay commands');
    await apiRows(rig);
    say('control side: RSS pipeline only, every part on, 200,000-frame burst');
    await memoryRows(rig, proxy);
  } finally {
    await proxy.stop();
    await vm.stop();
    await pty.stop();
    await dir.remove();
  }
}
