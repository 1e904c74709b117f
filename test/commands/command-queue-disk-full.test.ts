import test from 'ava';
import { mountTmpfs } from '../helpers/tmpfs.ts';
import { SOCKET, startRig } from './queue-rig.ts';

/*
 * Found by the disk-full fault test: the command queue writes its state file
 * when it starts, and a disk that filled up just then made `start()` reject,
 * which stopped the whole gateway. A full disk must never keep the gateway
 * from running (issue 10); the state is saved again at the next change.
 */
test('command queue on a full disk (real ENOSPC on a tmpfs): start() does not fail, the gateway keeps running, a command fails naming ENOSPC', async (t) => {
  const fs = await mountTmpfs(256 * 1024);
  t.teardown(fs.remove);
  fs.fill();
  const rig = await startRig({ dir: { path: fs.path, remove: async () => undefined } });
  t.teardown(() => rig.stop());
  const view = rig.queue.submit(SOCKET, { type: 'relay', channel: 1, state: 'on' }, 'api');
  await rig.queue.settled();
  // Ids are saved before a TX line leaves (never reused across a restart), so with the disk full a command fails, saying why.
  t.deepEqual(rig.lines, []);
  t.like(rig.queue.get(view.id), { status: 'failed' });
  t.regex(rig.queue.get(view.id)?.reason ?? '', /state could not be saved, so it was not sent: ENOSPC/);
});
