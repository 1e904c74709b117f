import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { completeBackup } from '../backup/backup-config.ts';
import { normalizeMac } from '../protocol/mac.ts';
import { ConfigError } from './config-error.ts';
import { checkDataDirWritable } from './data-dir-check.ts';
import * as D from './defaults.ts';
import { keyPath } from './key-path.ts';
import { completeMetricsKeys, metricsChecks } from '../control/metrics/metrics-config.ts';
import { fileSchema, type ConfigFile } from './schema.ts';
import { inlineTokenWarning, modeOf, tokenFileWarning, type FileMode } from './secret-permissions.ts';
import { parseListen } from './listen-address.ts';
import { completeMqttSection } from '../control/mqtt/mqtt-config.ts';
import type { ApiConfig, Config, DisplayConfig, HistoryConfig, InfluxConfig } from './types.ts';

/**
 * Reads, validates and completes the config file. Throws {@link ConfigError}
 * (`CONFIG_INVALID`) listing every problem, each naming the file and the key.
 * `env` supplies `INFLUX_TOKEN`; default `process.env`.
 */
export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  return (await loadConfigWithWarnings(file, env)).config;
}

/** A valid config and what is unsafe but not wrong in it (secrets others may read), one line each naming the file and the key. */
export interface LoadedConfig {
  readonly config: Config;
  readonly warnings: readonly string[];
}

/** Like {@link loadConfig}, with the warnings: a token file or a config with an inline token that others may read. */
export async function loadConfigWithWarnings(file: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`${file}: cannot read the config file: ${errnoText(error)}`]);
  }
  return parseConfigWithWarnings(text, file, env, await modeOf(file));
}

/** Like {@link loadConfig} for text already read; `file` names it in messages and token files are read. */
export async function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  return (await parseConfigWithWarnings(text, file, env)).config;
}

/**
 * Like {@link parseConfig}, with the warnings: a token file others may read,
 * and, when `fileMode` (the config file's `stat`) is given, an inline token in
 * a config others may read.
 */
export async function parseConfigWithWarnings(
  text: string, file: string, env: NodeJS.ProcessEnv = process.env, fileMode?: FileMode,
): Promise<LoadedConfig> {
  const raw = parseYaml(text, file);
  const warnings: string[] = [];
  const problems: string[] = [];
  const result = fileSchema.safeParse(raw ?? {});
  if (!result.success) problems.push(...result.error.issues.flatMap((issue) => describeIssue(file, issue)));
  const checks = crossChecks(isObject(raw) ? raw : {});
  problems.push(...checks.map((p) => `${file}: ${p}`));
  const token = await resolveToken(isObject(raw) ? raw : {}, env, file, problems, warnings);
  const mqtt = await completeMqttSection(raw, result.success ? result.data.mqtt : undefined, file, problems, warnings);
  const dataDir = isObject(raw) && raw.dataDir !== undefined ? raw.dataDir : D.DEFAULT_DATA_DIR;
  const dataDirProblem = typeof dataDir === 'string' && dataDir !== '' ? await checkDataDirWritable(resolve(dataDir)) : undefined;
  if (dataDirProblem) problems.push(`${file}: dataDir: ${dataDirProblem}`);
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  const inline = fileMode && isObject(raw) && isObject(raw.influx) && raw.influx.token !== undefined ? inlineTokenWarning(file, fileMode) : undefined;
  return { config: { ...complete(result.data, token), ...mqtt }, warnings: inline ? [...warnings, inline] : warnings };
}

/** MAC -> room, from the config's `nodes`. */
export function roomsFrom(config: Config): Map<string, string> {
  return new Map(Object.entries(config.nodes));
}

function parseYaml(text: string, file: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return `${file}:${line}:${col}: YAML syntax: ${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`;
    }));
  }
  try {
    return doc.toJS();
  } catch (error) {
    // yaml refuses alias bombs ("billion laughs") with a ReferenceError once aliases expand past maxAliasCount.
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError([`${file}: YAML: ${/alias/i.test(message) ? 'too many aliases (*name) expand to too much data; refused as a resource exhaustion attack' : message}`]);
  }
}

function describeIssue(file: string, issue: z.core.$ZodIssue): string[] {
  const at = keyPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => `${file}: ${keyPath([...issue.path, key])}: unknown key`);
    case 'invalid_type':
      return [`${file}: ${at}: ${issue.message.includes('received undefined') ? 'required' : `expected ${issue.expected}`}`];
    case 'invalid_value':
      return [`${file}: ${at}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`];
    default:
      return [`${file}: ${at}: ${issue.message}`];
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Rules across keys, run on the raw file so they are reported with the schema's problems. */
function crossChecks(raw: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const key of Object.keys(isObject(raw.nodes) ? raw.nodes : {})) {
    let mac: string;
    try {
      mac = normalizeMac(key);
    } catch {
      problems.push(`${keyPath(['nodes', key])}: not a MAC address (12 hex digits)`);
      continue;
    }
    const other = seen.get(mac);
    if (other !== undefined) problems.push(`${keyPath(['nodes', key])}: same MAC as nodes[${JSON.stringify(other)}]`);
    else seen.set(mac, key);
  }
  const display = isObject(raw.display) ? raw.display : {};
  const panel = display.panel ?? D.DEFAULT_PANEL;
  if (typeof panel === 'string' && panel.startsWith('2in13b_') && typeof display.minRefreshS === 'number' &&
    display.minRefreshS < D.MIN_REFRESH_S_THREE_COLOUR) {
    problems.push(`display.minRefreshS: ${display.minRefreshS} s is below ${D.MIN_REFRESH_S_THREE_COLOUR} s, the least a three-colour panel (${panel}) allows between refreshes without damage`);
  }
  return [...problems, ...historyChecks(raw), ...metricsChecks(raw)];
}

/** `history` without an influx section: only victoria-metrics, and it needs a url. */
function historyChecks(raw: Record<string, unknown>): string[] {
  if (!isObject(raw.history) || isObject(raw.influx)) return [];
  const { backend, url } = raw.history;
  if (backend === undefined || backend === 'influx') {
    return ['history.backend: influx needs the influx section (url, org, bucket, token); without it use history.backend: victoria-metrics with history.url'];
  }
  return url === undefined ? ['history.url: required when there is no influx section'] : [];
}

async function resolveToken(
  raw: Record<string, unknown>, env: NodeJS.ProcessEnv, file: string, problems: string[], warnings: string[],
): Promise<string | undefined> {
  if (!isObject(raw.influx)) return undefined;
  const { token, tokenFile } = raw.influx;
  const fromEnv = env[D.TOKEN_ENV];
  const given = [token !== undefined && 'influx.token', tokenFile !== undefined && 'influx.tokenFile', fromEnv !== undefined && fromEnv !== '' && D.TOKEN_ENV].filter(Boolean);
  if (given.length !== 1) {
    const got = given.length === 0 ? 'none given' : `got ${given.join(' and ')}`;
    problems.push(`${file}: influx.token: give exactly one of influx.token, influx.tokenFile or ${D.TOKEN_ENV} (${got})`);
    return undefined;
  }
  if (typeof token === 'string') return token;
  if (fromEnv !== undefined && token === undefined && tokenFile === undefined) return fromEnv;
  if (typeof tokenFile !== 'string') return undefined;
  try {
    const secret = (await readFile(resolve(tokenFile), 'utf8')).trim();
    if (secret === '') problems.push(`${file}: influx.tokenFile: ${tokenFile} is empty`);
    const mode = await modeOf(resolve(tokenFile));
    const warning = mode && tokenFileWarning(file, tokenFile, mode);
    if (warning) warnings.push(warning);
    return secret;
  } catch (error) {
    problems.push(`${file}: influx.tokenFile: cannot read ${tokenFile}: ${errnoText(error)}`);
    return undefined;
  }
}

function errnoText(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ? `${e.code} (${e.message.replace(/^[A-Z]+: /, '').replace(/,.*$/, '')})` : String(e.message ?? error);
}

function complete(file: ConfigFile, token: string | undefined): Config {
  const nodes = Object.fromEntries(Object.entries(file.nodes ?? {}).map(([mac, room]) => [normalizeMac(mac), room]));
  return {
    gateway: file.gateway ?? hostname(),
    dataDir: resolve(file.dataDir ?? D.DEFAULT_DATA_DIR),
    log: { level: file.log?.level ?? D.DEFAULT_LOG_LEVEL },
    serial: { path: file.serial.path, baudRate: file.serial.baudRate ?? D.DEFAULT_BAUD_RATE },
    ...(file.influx ? { influx: completeInflux(file.influx, token!) } : {}),
    ...completeHistory(file),
    spool: {
      maxBytes: file.spool?.maxBytes ?? D.DEFAULT_SPOOL_MAX_BYTES,
      fsyncIntervalMs: file.spool?.fsyncIntervalMs ?? D.DEFAULT_FSYNC_INTERVAL_MS,
    },
    nodes,
    ...(file.backup !== undefined ? { backup: completeBackup(file.backup, resolve(file.dataDir ?? D.DEFAULT_DATA_DIR)) } : {}),
    display: completeDisplay(file.display ?? undefined),
    clock: { requireSync: file.clock?.requireSync ?? D.DEFAULT_REQUIRE_SYNC },
    ...completeMetricsKeys(file),
    ...(file.api !== undefined ? { api: completeApi(file.api ?? {}, resolve(file.dataDir ?? D.DEFAULT_DATA_DIR)) } : {}),
    ...(file.alerts ? { alerts: file.alerts } : {}),
    ...(file.panels ? { panels: file.panels } : {}),
  };
}

function completeApi(api: NonNullable<ConfigFile['api']>, dataDir: string): ApiConfig {
  const listen = api.listen ?? D.DEFAULT_API_LISTEN;
  return {
    listen, ...parseListen(listen)!,
    tokensFile: api.tokensFile ? resolve(api.tokensFile) : resolve(dataDir, D.DEFAULT_API_TOKENS_FILE),
    openReads: api.openReads ?? false,
    controlRatePerMin: api.controlRatePerMin ?? D.DEFAULT_API_CONTROL_RATE_PER_MIN,
  };
}

function completeInflux(influx: NonNullable<ConfigFile['influx']>, token: string): InfluxConfig {
  return {
    url: influx.url, org: influx.org, bucket: influx.bucket, token,
    flushIntervalMs: influx.flushIntervalMs ?? D.DEFAULT_FLUSH_INTERVAL_MS,
    batchSize: influx.batchSize ?? D.DEFAULT_BATCH_SIZE,
    timeoutMs: influx.timeoutMs ?? D.DEFAULT_TIMEOUT_MS,
  };
}

function completeHistory(file: ConfigFile): { history?: HistoryConfig } {
  const url = file.history?.url ?? file.influx?.url;
  if (url === undefined) return {};
  return { history: { backend: file.history?.backend ?? (file.influx ? D.DEFAULT_HISTORY_BACKEND : 'victoria-metrics'), url } };
}

function completeDisplay(display: NonNullable<ConfigFile['display']> | undefined): DisplayConfig {
  const panel = display === undefined ? 'none' : display.panel ?? D.DEFAULT_PANEL;
  const threeColour = panel.startsWith('2in13b_');
  return {
    panel,
    orientation: display?.orientation ?? D.DEFAULT_ORIENTATION,
    minRefreshS: display?.minRefreshS ?? D.DEFAULT_MIN_REFRESH_S,
    fullRefreshEvery: display?.fullRefreshEvery ?? D.DEFAULT_FULL_REFRESH_EVERY,
    ...(display?.quietHours ? { quietHours: { ...display.quietHours } } : {}),
    busyTimeoutMs: display?.busyTimeoutMs ?? (threeColour ? D.DEFAULT_BUSY_TIMEOUT_MS_THREE_COLOUR : D.DEFAULT_BUSY_TIMEOUT_MS_BW),
    pins: { ...D.DEFAULT_PINS, ...display?.pins },
  };
}
