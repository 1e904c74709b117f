import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.ts';
import { resolve } from 'node:path';
import { DEFAULT_API_TOKENS_FILE } from '../config/defaults.ts';
import { TokenFile, type TokenScope } from '../control/http/token-file.ts';

const USAGE = `usage: espnow-gateway token add --config FILE --scope read|control [--label L]
       espnow-gateway token list --config FILE
       espnow-gateway token revoke --config FILE ID
`;

interface Out {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * `token add|list|revoke`: the API's bearer tokens in `api.tokensFile`
 * (default `<dataDir>/api-tokens.json`). `add` prints the new token once,
 * alone on the last line of standard output; the file keeps only its
 * SHA-256. Returns 0, 1 (the file could not be written or read) or 2 (bad
 * usage, invalid config, unknown id).
 */
export async function tokenCommand(argv: string[], out: Out = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const fail = (message: string, code = 2): number => { out.stderr.write(`espnow-gateway token: ${message}\n${code === 2 ? USAGE : ''}`); return code; };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: { config: { type: 'string', short: 'c' }, scope: { type: 'string' }, label: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    return fail((error as Error).message);
  }
  const { values, positionals: [action, ...rest] } = parsed;
  if (values.help) { out.stdout.write(USAGE); return 0; }
  if (!['add', 'list', 'revoke'].includes(action ?? '')) return fail(action ? `unknown action ${JSON.stringify(action)}` : 'add, list or revoke?');
  if (!values.config) return fail('--config FILE is required');
  if (action === 'add' && values.scope !== 'read' && values.scope !== 'control') return fail('--scope read or --scope control is required (control can also read)');
  if (action === 'revoke' && rest.length !== 1) return fail('revoke needs the token id (the 8 hex digits `token list` shows)');
  const tokens = await tokensFileOf(values.config, out);
  if (!tokens) return 2;
  try {
    if (action === 'add') return await add(tokens, values.scope as TokenScope, values.label ?? '', out);
    if (action === 'list') return await list(tokens, out);
    const removed = await tokens.remove(rest[0]);
    if (removed === 0) return fail(`no token ${rest[0]} in ${tokens.path}`);
    out.stdout.write(`token ${rest[0]} revoked in ${tokens.path}; requests with it are refused from now on\n`);
    return 0;
  } catch (error) {
    return fail((error as Error).message, 1);
  }
}

async function tokensFileOf(file: string, out: Out): Promise<TokenFile | undefined> {
  try {
    const config = await loadConfig(file);
    if (!config.api) out.stderr.write(`espnow-gateway token: note: ${file} has no api section, so the API is off; the token works once you add one (api: { listen: "127.0.0.1:8080" })\n`);
    return new TokenFile(config.api?.tokensFile ?? resolve(config.dataDir, DEFAULT_API_TOKENS_FILE));
  } catch (error) {
    const problems = error instanceof ConfigError ? error.problems : [(error as Error).message];
    out.stderr.write(`${problems.map((p) => `espnow-gateway token: ${p}`).join('\n')}\n`);
    return undefined;
  }
}

async function add(tokens: TokenFile, scope: TokenScope, label: string, out: Out): Promise<number> {
  const { token, stored } = await tokens.add(scope, label);
  out.stdout.write(`token ${stored.id} (scope ${scope}${label ? `, label ${JSON.stringify(label)}` : ''}) added to ${tokens.path}\n`);
  out.stdout.write('it is shown this once (the file keeps only its hash); use it as Authorization: Bearer <token>\n');
  out.stdout.write(`${token}\n`);
  return 0;
}

async function list(tokens: TokenFile, out: Out): Promise<number> {
  const all = await tokens.list();
  if (all.length === 0) out.stdout.write(`no tokens in ${tokens.path}; make one with espnow-gateway token add\n`);
  for (const t of all) out.stdout.write(`${t.id}  ${t.scope.padEnd(7)}  ${t.createdAt}  ${t.label}\n`);
  return 0;
}
