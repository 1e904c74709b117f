import { createHash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { Spool } from '../spool/spool.ts';
import { BackupError } from './backup-error.ts';
import type { ManifestFile } from './manifest.ts';
import { readTarGz } from './tar-gz-reader.ts';

/** Lines handed to the spool per `append`. */
const APPEND_BATCH_LINES = 1000;

/**
 * Streams the archive's unsent points (`entry`, already verified) into
 * `spool` through its `append`, after whatever the spool already holds:
 * nothing there is overwritten or deleted. Resolves with the points
 * appended. The member is hashed again on the way: an archive changed since
 * it was checked is reported (runtime failure, the points appended so far stay).
 */
export async function appendUnsent(file: string, entry: ManifestFile, spool: Spool): Promise<number> {
  const hash = createHash('sha256');
  const utf8 = new StringDecoder('utf8');
  let partial = '';
  let batch: string[] = [];
  let count = 0;
  const flush = (): void => {
    spool.append(batch);
    count += batch.length;
    batch = [];
  };
  await readTarGz(file, (header) => header.name !== entry.path ? undefined : {
    write: (chunk) => {
      hash.update(chunk);
      const lines = (partial + utf8.write(chunk)).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        batch.push(line);
        if (batch.length >= APPEND_BATCH_LINES) flush();
      }
    },
    end: () => {
      partial += utf8.end();
      if (partial !== '') batch.push(partial);
      flush();
    },
  });
  if (hash.digest('hex') !== entry.sha256) {
    throw new BackupError('BACKUP_ARCHIVE_CHANGED', `${file}: member ${entry.path} changed since it was checked; ${count} points were appended to the spool`, { badInput: false });
  }
  return count;
}
