import { spawn } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from './temp-dir.ts';

/**
 * Writes `bytes` to the pty at `path` from a separate `cat` process and
 * resolves when all of them have been taken. Writes to a tty block the
 * writing thread while the pty is full, so a test that reads the other end in
 * its own event loop (an in-process Gateway) must not write big streams
 * itself: it would wait for a reader that can never run.
 */
export async function feedPty(path: string, bytes: Buffer): Promise<void> {
  const dir = await makeTempDir('feed');
  try {
    const file = join(dir.path, 'stream.bin');
    await writeFile(file, bytes);
    const fd = openSync(path, constants.O_WRONLY | constants.O_NOCTTY);
    try {
      const child = spawn('cat', [file], { stdio: ['ignore', fd, 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      if (code !== 0) throw new Error(`cat to ${path} exited ${code}: ${stderr}`);
    } finally {
      closeSync(fd);
    }
  } finally {
    await dir.remove();
  }
}
