import { mkdir, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Writes lines the server refused to `<dir>/<ISO time>.lp`, under a comment
 * header with the server's reason, fsynced. The file is valid line protocol
 * (`#` lines are comments), so after fixing the cause it can be sent with
 * `influx write --bucket B --precision us --file <file>`. A file that cannot
 * be written whole (disk full, I/O error) is removed before the error is
 * thrown, so `dir` never holds a torn batch.
 */
export async function writeRejected(
  dir: string,
  time: Date,
  lines: readonly string[],
  reason: string,
): Promise<{ path: string; bytes: number }> {
  await mkdir(dir, { recursive: true });
  const stamp = time.toISOString().replace(/[:.]/g, '-');
  const header = reason
    .split(/\r?\n/)
    .map((l) => `# ${l}`)
    .join('\n');
  const text = `# rejected at ${time.toISOString()}, ${lines.length} lines, precision us\n${header}\n${lines.join('\n')}\n`;
  for (let n = 0; ; n++) {
    const path = join(dir, n === 0 ? `${stamp}.lp` : `${stamp}-${n}.lp`);
    let file;
    try {
      file = await open(path, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    try {
      await file.writeFile(text);
      await file.sync();
    } catch (err) {
      await file.close().catch(() => undefined);
      file = undefined;
      await unlink(path).catch(() => undefined);
      throw err;
    } finally {
      await file?.close();
    }
    return { path, bytes: Buffer.byteLength(text) };
  }
}
