/**
 * A process that takes the dataDir lock, for the race test (not a test file):
 * `lock-contender.ts DIR`. Prints `ready`, waits for a line on stdin (so all
 * contenders start at once), then prints `won` and holds the lock until stdin
 * ends, or prints `lost <code>` and exits.
 */
import { createInterface } from 'node:readline';
import { acquireDataDirLock } from '../../src/gateway/data-dir-lock.ts';
import { silentLogger } from '../../src/log.ts';

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
process.stdout.write('ready\n');
await lines.next();
try {
  const lock = await acquireDataDirLock(process.argv[2], { log: silentLogger });
  process.stdout.write('won\n');
  while (!(await lines.next()).done) { /* hold until stdin ends */ }
  lock.release();
} catch (error) {
  process.stdout.write(`lost ${(error as { code?: string }).code}\n`);
}
process.exit(0);
