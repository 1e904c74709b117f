import test from 'ava';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { writeTarGz } from '../../src/backup/tar-gz-writer.ts';
import { readTarGz } from '../../src/backup/tar-gz-reader.ts';
import { decodeHeader, encodeHeader, isSafeName } from '../../src/backup/ustar-header.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const names: [string, boolean][] = [
  ['manifest.json', true], ['data/held/0000000000000001-abc.held', true], ['/etc/passwd', false], ['../x', false],
  ['a/../b', false], ['a//b', false], ['', false], ['x'.repeat(101), false],
];
for (const [name, safe] of names) {
  test(`member name ${JSON.stringify(name.slice(0, 40))} is ${safe ? 'safe' : 'refused'}`, (t) => t.is(isSafeName(name), safe));
}

test('a header round-trips; a flipped bit fails its checksum', (t) => {
  const block = encodeHeader({ name: 'spool/unsent.lp', size: 12345, mode: 0o600, mtimeS: 1_700_000_000 });
  t.deepEqual(decodeHeader(block), { name: 'spool/unsent.lp', size: 12345, mode: 0o600, mtimeS: 1_700_000_000 });
  block[5] ^= 1;
  t.regex(decodeHeader(block) as string, /checksum/);
});

test('GNU tar reads what writeTarGz wrote, and readTarGz reads it back', async (t) => {
  const dir = await makeTempDir('ustar');
  t.teardown(() => dir.remove());
  const file = join(dir.path, 'a.tar.gz');
  const big = Buffer.alloc(5000, 'x');
  await writeTarGz(file, [{ name: 'a.txt', mode: 0o644, source: { data: Buffer.from('hello\n') } }, { name: 'empty', mode: 0o644, source: { data: Buffer.alloc(0) } }, { name: 'd/big', mode: 0o600, source: { data: big } }], 1_700_000_000);
  t.is(execFileSync('tar', ['tzf', file], { encoding: 'utf8' }), 'a.txt\nempty\nd/big\n');
  t.is(execFileSync('tar', ['xzOf', file, 'a.txt'], { encoding: 'utf8' }), 'hello\n');
  const got = new Map<string, Buffer[]>();
  await readTarGz(file, (h) => {
    got.set(h.name, []);
    return { write: (c) => void got.get(h.name)!.push(Buffer.from(c)), end: () => undefined };
  });
  t.deepEqual([...got.keys()], ['a.txt', 'empty', 'd/big']);
  t.true(Buffer.concat(got.get('d/big')!).equals(big));
});
