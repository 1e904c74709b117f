import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** SHA-256 of `data` as 64 hex digits. */
export const sha256Of = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** SHA-256 of a file (streamed) as 64 hex digits. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
