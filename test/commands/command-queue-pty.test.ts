import test from 'ava';
import { once } from 'node:events';
import { crc32 } from 'node:zlib';
import { CommandQueue } from '../../src/commands/command-queue.ts';
import type { CommandView } from '../../src/commands/types.ts';
import { writeCommandState } from '../../src/commands/command-state-file.ts';
import { encodeBrokerEvent, parseBrokerLine, CAPABILITY_BITS } from '../../src/protocol/index.ts';
import { BrokerPort } from '../../src/serial/broker-port.ts';
import { join } from 'node:path';
import { startPtyPair } from '../helpers/pty-pair.ts';
import { recordingLog } from '../helpers/recording-log.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

test('real pty, real BrokerPort: the worked example\'s TX line arrives byte for byte, and its TXR is followed', async (t) => {
  const pty = await startPtyPair();
  const dir = await makeTempDir('commands-pty');
  const { log } = recordingLog('warn');
  const port = new BrokerPort({ path: pty.gatewayPath, baudRate: 115200, log });
  const changes: CommandView[] = [];
  // Ids 1..6 were handed out before: the next is 7, as in the example.
  await writeCommandState(join(dir.path, 'commands', 'state.json'), { nextSerial: 6, checkpoints: [[0, Date.now()]], open: [] });
  const queue = new CommandQueue({
    dataDir: dir.path, log, now: () => Date.now(),
    writeLine: (line) => port.write(line),
    brokerHeardMs: () => Date.now(),
    node: () => ({ room: 'Office', capabilities: CAPABILITY_BITS.RELAY | CAPABILITY_BITS.LISTENING, channels: [0, 1, 2, 3], relay: () => false }),
    record: () => undefined,
    onChange: (v) => changes.push(v),
  });
  port.on('line', (line) => {
    const event = parseBrokerLine(line);
    if (event.type === 'txr') queue.onTxr(event.id, event.status);
  });
  try {
    port.start();
    await once(port, 'open');
    await queue.start();
    const view = queue.submit('a2:b2:c2:d2:e2:f2', { type: 'relay', channel: 2, state: 'on', autoOffS: 600 }, 'api');
    t.is(view.id, 7);
    const body = 'TX,7,a2b2c2d2e2f2,01810000070051020700' + '0f0102' + '140101' + '57025802';
    const expected = `${body}*${crc32(body).toString(16).padStart(8, '0')}\n`;
    await waitFor(() => pty.received().length >= expected.length, 5000, 'the TX line at the broker end');
    t.is(pty.received().toString(), expected);
    await pty.write(`${encodeBrokerEvent({ type: 'txr', id: 7, status: 'sent' })}\n`);
    await waitFor(() => queue.get(7)?.status === 'sent', 5000, 'TXR sent followed');
    t.deepEqual(changes.map((c) => c.status), ['accepted', 'sent']);
  } finally {
    await queue.stop();
    await port.stop();
    await pty.stop();
    await dir.remove();
  }
});
