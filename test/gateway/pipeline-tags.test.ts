import test from 'ava';
import fc from 'fast-check';
import { Pipeline } from '../../src/gateway/pipeline.ts';
import { silentLogger } from '../../src/log.ts';
import { NodeRegistry } from '../../src/nodes/registry.ts';
import { toLineProtocol } from '../../src/points/point.ts';
import { decodeMessage, encodeMessage, formatMac, KIND, record } from '../../src/protocol/index.ts';

/** Four nodes, each in the spellings a transport may use. */
const MACS = ['a2b2c2d2e2f1', 'a2b2c2d2e2f2', 'a2b2c2d2e2f3', 'a2b2c2d2e2f4'];
const spell = (mac: string, how: number) => (how === 0 ? mac : how === 1 ? formatMac(mac).toUpperCase() : formatMac(mac).replaceAll(':', '-'));
const ROOMS = ['Kitchen', 'Living room, north', 'a=b\\c', '', 'Hall'];

const message = (seq: number) => decodeMessage(encodeMessage({
  kind: KIND.REPORT, boot: 1, seq, records: [record('temperature', 2153), record('battery', 3912), record('channel', 2), record('power', 50), record('press', 1)],
}));

/** The tags every line must carry, spelled out: gateway, node, room (left out when empty); `channel` first on power and input. */
function expectedTags(gateway: string, mac: string, room: string): string {
  const escape = (s: string) => s.replace(/[,= \\]/g, (c) => `\\${c}`);
  return `gateway=${escape(gateway)},node=${formatMac(mac)}${room === '' ? '' : `,room=${escape(room)}`}`;
}

test('property: the remembered tag sets follow room renames (config reload), another gateway name and forgotten nodes', (t) => {
  const step = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('message' as const), node: fc.nat(3), how: fc.nat(2) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('rooms' as const), rooms: fc.array(fc.option(fc.nat(ROOMS.length - 1), { nil: undefined }), { minLength: 4, maxLength: 4 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('gateway' as const), name: fc.constantFrom('gw', 'gw 2', 'pi') }) },
  );
  fc.assert(fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
    let rooms = new Map<string, string>();
    // At most 2 unknown nodes kept: the others are forgotten and heard again as new nodes.
    const registry = new NodeRegistry({ rooms, log: silentLogger, maxUnknownNodes: 2 });
    let lines: string[] = [];
    const pipelineOf = (gateway: string) => new Pipeline({ gateway, registry, now: () => 1, log: silentLogger, submit: (pending) => { lines = pending(7).map(toLineProtocol); } });
    let gateway = 'gw';
    let pipeline = pipelineOf(gateway);
    const seqs = [0, 0, 0, 0];
    for (const s of steps) {
      if (s.kind === 'rooms') {
        rooms = new Map(MACS.flatMap((mac, i): Array<[string, string]> => (s.rooms[i] === undefined ? [] : [[mac, ROOMS[s.rooms[i]!]]])));
        registry.setRooms(rooms);
      } else if (s.kind === 'gateway') {
        gateway = s.name;
        pipeline = pipelineOf(gateway);
      } else {
        const mac = MACS[s.node];
        lines = [];
        pipeline.acceptMessage(spell(mac, s.how), -50, message((seqs[s.node] += 1)));
        const tags = expectedTags(gateway, mac, rooms.get(mac) ?? 'unknown');
        t.deepEqual(lines, [
          `environment,${tags} temperature=21.53 7`,
          `node,${tags} battery=3.912,rssi=-50i,lost=0i 7`,
          `power,channel=2,${tags} power=5.0 7`,
          `input,channel=2,${tags} press=1i 7`,
        ]);
      }
    }
  }), { numRuns: 200 });
});
