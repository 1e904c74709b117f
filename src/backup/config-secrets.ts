import { resolve } from 'node:path';
import { isMap, parseDocument } from 'yaml';

/** What an inline secret is replaced with in an archive made without `--with-secrets`. */
export const SECRET_PLACEHOLDER = 'REDACTED-BY-BACKUP';

/** Config keys whose value is a secret itself (present or not in this version's schema). */
export const INLINE_SECRET_KEYS: readonly (readonly string[])[] = [['influx', 'token'], ['mqtt', 'password']];

/** Config keys naming a file that holds a secret, and the default file (relative to `dataDir`) when the key is absent. */
export const SECRET_FILE_KEYS: readonly { readonly key: readonly string[]; readonly defaultInDataDir?: string }[] = [
  { key: ['influx', 'tokenFile'] },
  { key: ['api', 'tokensFile'], defaultInDataDir: 'api-tokens.json' },
  { key: ['mqtt', 'passwordFile'] },
];

/** A secret file the config names: the key (`influx.tokenFile`) and the absolute path. */
export interface SecretFile {
  readonly key: string;
  readonly path: string;
}

const getIn = (raw: unknown, key: readonly string[]): unknown =>
  key.reduce<unknown>((v, k) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined), raw);

/**
 * The config text with every inline secret ({@link INLINE_SECRET_KEYS})
 * replaced by {@link SECRET_PLACEHOLDER}, comments and layout kept, and the
 * keys replaced (`influx.token`). Unchanged text when there are none. Pure.
 */
export function redactConfig(text: string): { text: string; redacted: string[] } {
  const doc = parseDocument(text);
  const redacted: string[] = [];
  for (const key of INLINE_SECRET_KEYS) {
    if (isMap(doc.getIn(key.slice(0, -1))) && doc.hasIn(key) && doc.getIn(key) !== SECRET_PLACEHOLDER) {
      doc.setIn(key, SECRET_PLACEHOLDER);
      redacted.push(key.join('.'));
    }
  }
  return { text: redacted.length > 0 ? doc.toString() : text, redacted };
}

/**
 * The secret files the config names ({@link SECRET_FILE_KEYS}), paths
 * resolved as the config loader does (relative to the working directory;
 * the defaults relative to `dataDir`). Whether they exist is not checked. Pure.
 */
export function secretFilesOf(raw: unknown, dataDir: string): SecretFile[] {
  const out: SecretFile[] = [];
  for (const { key, defaultInDataDir } of SECRET_FILE_KEYS) {
    const value = getIn(raw, key);
    if (typeof value === 'string' && value !== '') out.push({ key: key.join('.'), path: resolve(value) });
    else if (defaultInDataDir) out.push({ key: key.join('.'), path: resolve(dataDir, defaultInDataDir) });
  }
  return out;
}

/** Secret-file keys the config loader reads, and the inline key that can stand in for each. */
export const INLINE_FOR_FILE: Readonly<Record<string, readonly string[]>> = {
  'influx.tokenFile': ['influx', 'token'],
  'mqtt.passwordFile': ['mqtt', 'password'],
};

/**
 * The config text as restore validates it when the archive carries secret
 * files the loader reads (`influx.tokenFile`, `mqtt.passwordFile`), which do
 * not exist yet: each secret inline instead of its file. `secrets` maps the
 * file key to the file's content. Pure.
 */
export function withInlineSecrets(text: string, secrets: ReadonlyMap<string, string>): string {
  const doc = parseDocument(text);
  let changed = false;
  for (const [fileKey, value] of secrets) {
    const inline = INLINE_FOR_FILE[fileKey];
    if (!inline) continue;
    doc.deleteIn(fileKey.split('.'));
    doc.setIn(inline, value.trim());
    changed = true;
  }
  return changed ? doc.toString() : text;
}

/** The raw YAML value of the config (no validation), for the keys above. */
export const rawConfig = (text: string): unknown => parseDocument(text).toJS() as unknown;
