import test from 'ava';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CommandLogFile } from '../../src/commands/command-log-file.ts';
import { readCommandState, writeCommandState } from '../../src/commands/command-state-file.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { endRig, SLEEPY, SOCKET, startRig } from './queue-rig.ts';

test('restart with commands open: ids go on, the broker\'s commands stay open, an unsent one fails', async (t) => {
  const first = await startRig();
  const queued = first.queue.submit(SLEEPY, { type: 'relay', channel: 1, state: 'on' }, 'api');
  const sent = first.queue.submit(SOCKET, { type: 'relay', channel: 1, state: 'on' }, 'api');
  const waiting = first.queue.submit(SOCKET, { type: 'relay', channel: 1, state: 'off' }, 'api');
  const listening = first.queue.submit(SOCKET, { type: 'relay', channel: 2, state: 'on' }, 'api');
  await first.queue.settled();
  first.queue.onTxr(queued.id, 'queued');
  first.queue.onTxr(sent.id, 'sent');
  first.queue.onTxr(listening.id, 'sent');
  first.clock.advance(4000);
  await first.stop();

  first.clock.advance(2000); // down for 2 s: `sent` ones have 4 s left of their 10 s
  const second = await first.restart();
  try {
    t.deepEqual(second.queue.list({ open: true }).map((c) => [c.id, c.status]), [[listening.id, 'sent'], [sent.id, 'sent'], [queued.id, 'queued']]);
    t.like(second.queue.get(waiting.id), { status: 'failed', reason: 'the gateway restarted before it was sent' });
    t.deepEqual(second.queue.get(waiting.id)?.history.map((h) => h.status), ['accepted', 'failed']);
    second.queue.onTxr(queued.id, 'delivered');
    second.queue.onResult(SLEEPY, { commandId: queued.id, outcome: 0 }, [{ channel: 1, relay: true }]);
    second.queue.onResult(SOCKET, { commandId: sent.id, outcome: 0 }, [{ channel: 1, relay: true }]);
    t.is(second.queue.get(queued.id)?.status, 'ok');
    t.is(second.queue.get(sent.id)?.status, 'ok');
    second.clock.advance(3999);
    t.is(second.queue.get(listening.id)?.status, 'sent');
    second.clock.advance(1);
    t.like(second.queue.get(listening.id), { status: 'unconfirmed', reason: 'no RESULT within 10 s of sent' });
    const next = second.queue.submit(SOCKET, { type: 'interval', intervalS: 60 }, 'api');
    t.is(next.id, 5, 'ids continue after the restart');
    await second.queue.settled();
    t.regex(second.lines[0], /^TX,5,/);
  } finally {
    await endRig(second);
  }
});

test('the state file survives a torn .tmp: the last complete state is read', async (t) => {
  const first = await startRig();
  first.queue.submit(SOCKET, { type: 'interval', intervalS: 60 }, 'api');
  first.queue.submit(SOCKET, { type: 'relay', channel: 0, state: 'on' }, 'api');
  await first.queue.settled();
  await first.stop();
  const path = join(first.dir, 'commands', 'state.json');
  await writeFile(`${path}.tmp`, '{"format":1,"nextSerial":9'); // a power cut mid-write
  const second = await first.restart();
  try {
    t.is(second.queue.submit(SOCKET, { type: 'interval', intervalS: 60 }, 'api').id, 3);
    t.deepEqual(second.queue.list({ open: true }).map((c) => c.id).sort(), [1, 2, 3]);
    await second.queue.settled();
    const state = await readCommandState(path);
    t.true(state !== undefined && state !== 'damaged' && state.nextSerial === 3);
  } finally {
    await endRig(second);
  }
});

test('a damaged state file: ids go on after the last one commands.jsonl names', async (t) => {
  const first = await startRig();
  for (let i = 0; i < 3; i += 1) first.queue.submit(SOCKET, { type: 'interval', intervalS: 60 + i }, 'api');
  await first.stop();
  const path = join(first.dir, 'commands', 'state.json');
  const text = await readFile(path, 'utf8');
  await writeFile(path, text.replace('"nextSerial":3', '"nextSerial":0')); // CRC no longer matches
  t.is(await readCommandState(path), 'damaged');
  const second = await first.restart();
  try {
    t.is(second.queue.submit(SOCKET, { type: 'interval', intervalS: 60 }, 'api').id, 4);
  } finally {
    await endRig(second);
  }
});

test('state file: written atomically (tmp + rename), read back exactly', async (t) => {
  const dir = await makeTempDir('commands-state');
  try {
    const path = join(dir.path, 'commands', 'state.json');
    t.is(await readCommandState(path), undefined);
    await writeCommandState(path, { nextSerial: 42, checkpoints: [[0, 1000]], open: [] });
    t.deepEqual(await readdir(join(dir.path, 'commands')), ['state.json']);
    t.deepEqual(await readCommandState(path), { nextSerial: 42, checkpoints: [[0, 1000]], open: [] });
    await writeFile(path, 'garbage\n');
    t.is(await readCommandState(path), 'damaged');
  } finally {
    await dir.remove();
  }
});

test('commands.jsonl is bounded: rotated to commands.jsonl.1 past its size, two files at most', async (t) => {
  const rig = await startRig({ limits: { logMaxBytes: 4096 } });
  try {
    for (let i = 0; i < 60; i += 1) {
      const { id } = rig.queue.submit(SOCKET, { type: 'interval', intervalS: 60 + i }, 'api');
      await rig.queue.settled();
      rig.queue.onTxr(id, 'sent');
      rig.queue.onResult(SOCKET, { commandId: id, outcome: 0 }, []);
    }
    await rig.queue.settled();
    const files = (await readdir(rig.dir)).filter((f) => f.startsWith('commands.jsonl')).sort();
    t.deepEqual(files, ['commands.jsonl', 'commands.jsonl.1']);
    for (const f of files) t.true((await stat(join(rig.dir, f))).size <= 4096, `${f} within its bound`);
    const entries = (await new CommandLogFile(join(rig.dir, 'commands.jsonl')).readAll()) as Array<{ id: number; status: string }>;
    t.deepEqual(entries.at(-1), { ...entries.at(-1), id: 60, status: 'ok' });
    t.true(entries.length < 180, 'older lines went with the rotation');
  } finally {
    await endRig(rig);
  }
});
