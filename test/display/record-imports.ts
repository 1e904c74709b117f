/**
 * `node --import tsx --import ./record-imports.ts …`: appends `<pid> <url>` to
 * the file `$RECORD_IMPORTS` for every module this process resolves through
 * `import` (opentype.js and sharp are imported, never required). Children
 * forked with the inherited `execArgv` record too, under their own pid.
 */
import { register } from 'node:module';

const HOOKS = `
import { appendFileSync } from 'node:fs';
let file, pid;
export function initialize(data) { ({ file, pid } = data); }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(file, pid + ' ' + result.url + '\\n');
  return result;
}`;

const file = process.env.RECORD_IMPORTS;
if (!file) throw new Error('record-imports.ts: set RECORD_IMPORTS to the file to append to');
register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, { data: { file, pid: process.pid } });
