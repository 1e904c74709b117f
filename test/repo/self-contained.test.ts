/**
 * A fresh clone must pass its tests with nothing beside it: no file the
 * repository tracks may reach for the development machine's folders (the
 * reference data the tests read lives in test/fixtures/, see its README).
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** This file: its second test lists outside paths on purpose. */
const SELF = 'test/repo/self-contained.test.ts';

/** Paths that only exist on the machine the project was developed on, and why each is wrong. */
const OUTSIDE: readonly { pattern: RegExp; why: string }[] = [
  { pattern: /\/work\//, why: 'an absolute path of the development machine' },
  { pattern: /(^|[^\w-])shared\/reference/, why: 'the reference folder beside the repository (copy what is needed to test/fixtures/)' },
  { pattern: /\.\.\/shared\b/, why: 'a folder beside the repository' },
  { pattern: /\/root\/\w/, why: "root's home directory" },
];

/** `file:line: why` for every line of `text` that names a path outside the repository. */
export function outsideReferences(file: string, text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const { pattern, why } of OUTSIDE) {
      if (pattern.test(line)) found.push(`${file}:${i + 1}: ${why}: ${line.trim().slice(0, 120)}`);
    }
  });
  return found;
}

const tracked = (): string[] =>
  execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);

test('no tracked file refers to a path outside the repository (the development machine\'s work folder, the shared folder beside the clone, /root/)', (t) => {
  const files = tracked();
  t.true(files.length > 100, `git ls-files in ${ROOT} listed only ${files.length} files`);
  const found: string[] = [];
  for (const file of files) {
    const path = join(ROOT, file);
    if (file === SELF || !existsSync(path)) continue; // SELF; or deleted in the work tree, not yet committed
    const bytes = readFileSync(path);
    if (bytes.subarray(0, 8000).includes(0)) continue; // binary: fonts, PNGs
    found.push(...outsideReferences(file, bytes.toString('utf8')));
  }
  t.deepEqual(found, [], `copy what these need into the repository (test/fixtures/):\n${found.join('\n')}`);
});

test('the check catches each kind of outside path and lets the repository\'s own paths through', (t) => {
  // Built from pieces so that this file does not itself name such paths.
  const work = ['', 'work', ''].join('/');
  const shared = ['..', 'shared'].join('/');
  const flagged = [
    `readFileSync('${work}shared/reference/sensors/bh1750_cases.json')`,
    `new URL('../../${shared}/reference/epd-traces/', import.meta.url)`,
    `const SENSORS = '${shared}';`,
    ` * docs: ${work}notes/config.md`,
    "const token = '/root/influx-token';",
  ];
  for (const line of flagged) t.is(outsideReferences('x.ts', line).length > 0, true, line);
  const allowed = [
    "new URL('../fixtures/epd-traces/', import.meta.url)",
    'the shared protocol vector table (test/fixtures/protocol-vectors.json)',
    "mkdtemp(join(tmpdir(), 'spool-'))",
    'WORK=$(mktemp -d /tmp/kicad-erc.XXXXXX)',
    'read-only shared/ memory of the worker',
  ];
  for (const line of allowed) t.deepEqual(outsideReferences('x.ts', line), [], line);
});
