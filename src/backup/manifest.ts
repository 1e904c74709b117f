/** The archive's table of contents: `manifest.json`, the first member. */

/** Archive format this version writes and reads. */
export const MANIFEST_FORMAT = 1;
/** Name of the manifest member. */
export const MANIFEST_NAME = 'manifest.json';
/** Archive member of the config file. */
export const CONFIG_MEMBER = 'config/gateway.yaml';
/** Archive member of the spool's unsent points, line protocol, one point per line. */
export const UNSENT_MEMBER = 'spool/unsent.lp';

/** What a member is, so restore knows where it goes. */
export type MemberRole = 'config' | 'command-state' | 'command-log' | 'held' | 'unsent' | 'secret';

/** One member as the manifest lists it. */
export interface ManifestFile {
  /** Path inside the archive. */
  readonly path: string;
  /** Bytes. */
  readonly size: number;
  /** SHA-256 of the bytes, 64 hex digits. */
  readonly sha256: string;
  readonly role: MemberRole;
  /**
   * Where it goes on restore: relative to `dataDir` for the data roles
   * (`commands/state.json`, `held/<file>`); for a secret, the config key that
   * names its file (`influx.tokenFile`, `api.tokensFile`).
   */
  readonly target?: string;
}

/** `manifest.json`. */
export interface Manifest {
  readonly format: number;
  /** package.json version of the gateway that wrote it. */
  readonly gatewayVersion: string;
  /** ISO 8601. */
  readonly createdAt: string;
  /** The config's `gateway` name. */
  readonly gateway: string;
  /** The config file backed up (absolute path on the machine that wrote it). */
  readonly configFile: string;
  /** True when token files and inline tokens are in the archive. */
  readonly withSecrets: boolean;
  /** Points not yet acknowledged by InfluxDB, in {@link UNSENT_MEMBER}. */
  readonly unsentPoints: number;
  /** For people: what was left out or replaced (secrets, node state). */
  readonly notes: readonly string[];
  readonly files: readonly ManifestFile[];
}

const ROLES: readonly MemberRole[] = ['config', 'command-state', 'command-log', 'held', 'unsent', 'secret'];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a parsed `manifest.json`: the format is one this version knows and
 * every field has its type. Returns the manifest or what is wrong (naming
 * the field). Pure.
 */
export function checkManifest(value: unknown): Manifest | string {
  if (!isObject(value)) return 'not a JSON object';
  if (value.format !== MANIFEST_FORMAT) {
    return `format ${JSON.stringify(value.format)} is not known to this gateway (it reads format ${MANIFEST_FORMAT}); restore with the version that wrote it (${String(value.gatewayVersion)})`;
  }
  for (const key of ['gatewayVersion', 'createdAt', 'gateway', 'configFile'] as const) {
    if (typeof value[key] !== 'string') return `${key}: expected a string`;
  }
  if (typeof value.withSecrets !== 'boolean') return 'withSecrets: expected true or false';
  if (!Number.isSafeInteger(value.unsentPoints) || (value.unsentPoints as number) < 0) return 'unsentPoints: expected a count';
  if (!Array.isArray(value.notes) || !value.notes.every((n) => typeof n === 'string')) return 'notes: expected a list of strings';
  if (!Array.isArray(value.files)) return 'files: expected a list';
  const seen = new Set<string>();
  for (const [i, f] of value.files.entries()) {
    if (!isObject(f) || typeof f.path !== 'string' || !Number.isSafeInteger(f.size) || typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256)) {
      return `files[${i}]: expected {path, size, sha256 (64 hex digits), role}`;
    }
    if (!ROLES.includes(f.role as MemberRole)) return `files[${i}] (${f.path}): role ${JSON.stringify(f.role)} unknown`;
    if (f.target !== undefined && typeof f.target !== 'string') return `files[${i}] (${f.path}): target: expected a string`;
    if (seen.has(f.path)) return `files[${i}]: ${f.path} listed twice`;
    seen.add(f.path);
  }
  if (!value.files.some((f) => (f as ManifestFile).role === 'config')) return 'files: no config member';
  return value as unknown as Manifest;
}
