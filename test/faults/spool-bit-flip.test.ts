import test from 'ava';
import { closeSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { RECORD_HEADER_BYTES } from '../../src/spool/record-codec.ts';
import { scanSegment } from '../../src/spool/segment-scan.ts';
import { keyOfLine, numberedBatch } from '../helpers/numbered-frames.ts';
import { spooledLines } from '../helpers/spool-files.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startRig } from './rig.ts';

test.serial('spool bit flip mid-segment (gateway stopped, one bit flipped, restarted): all but that one record arrive', async (t) => {
  t.timeout(60_000);
  const rig = await startRig(t, 'bitflip');
  const config = await rig.configure();
  await rig.vm.kill();
  const first = await rig.start(config);
  const frames = numberedBatch(4, 0, 1500);
  await rig.trickle(frames.text, 100, 5);
  await waitFor(() => spooledLines(rig.spoolDir).length >= frames.keys.length * 2, 15_000, 'every frame in the spool');
  t.is(await first.stop('SIGTERM'), 0);

  // One bit of one `node` record's payload in the middle of the biggest segment (a bad SD sector would do the same).
  const names = readdirSync(rig.spoolDir).filter((n) => n.endsWith('.seg'));
  const path = join(rig.spoolDir, names.sort((a, b) => readFileSync(join(rig.spoolDir, b)).length - readFileSync(join(rig.spoolDir, a)).length)[0]);
  const scan = scanSegment(readFileSync(path), true);
  let victim = Math.floor(scan.lines.length / 2);
  while (!scan.lines[victim].startsWith('node,')) victim += 1;
  const lostKey = keyOfLine(scan.lines[victim])!;
  const at = scan.starts[victim] + RECORD_HEADER_BYTES + 10;
  const byte = readFileSync(path).subarray(at, at + 1);
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.from([byte[0] ^ 0x04]), 0, 1, at);
  closeSync(fd);
  t.log(`flipped a bit at byte ${at} of ${scan.validEnd} (record ${victim} of ${scan.lines.length}, frame ${lostKey})`);

  await rig.vm.restart();
  const second = await rig.start(config);
  const warning = await second.waitForLog((l) => String(l.msg).includes('damaged records'), 10_000, 'damaged-record warning');
  t.is(warning.level, 40);
  t.falsy(second.logs.find((l) => String(l.msg).includes('torn or corrupt tail')), 'nothing is cut');
  const others = frames.keys.filter((k) => k !== lostKey);
  const stored = await rig.waitStored(others, 20_000, 'every other frame');
  t.false(stored.has(lostKey), 'the damaged record is the only one lost');
  t.is(stored.size, frames.keys.length - 1);
  t.is(await second.stop('SIGTERM'), 0);
});
