import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chown, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { GatewayError } from '../../errors.ts';

/** What a token may do: `read` (GET) or `control` (PUT, and reads). */
export type TokenScope = 'read' | 'control';

/** One token as the file keeps it: never the token itself, only its SHA-256. */
export interface StoredToken {
  /** First 8 hex digits of the hash: names the token in logs and the rate limit, reveals nothing. */
  readonly id: string;
  /** SHA-256 of the token, 64 hex digits. */
  readonly sha256: string;
  readonly scope: TokenScope;
  /** What it is for (`phone`, `home-assistant`), from `--label`. */
  readonly label: string;
  /** ISO 8601. */
  readonly createdAt: string;
}

/** A token the file knows, as a request presented it. */
export type TokenIdentity = Omit<StoredToken, 'sha256'>;

/** Prefix of every token, so a secret scanner (or a person) recognises one. */
export const TOKEN_PREFIX = 'egw_';

/** SHA-256 of `token`, hex. Tokens are 256 random bits, so a plain hash is enough (no salt, no slow KDF). */
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** A new token: the prefix and 32 random bytes in base64url (47 characters). */
export const newToken = (): string => `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;

/** The file is missing, unreadable or not a tokens file; the message names it. */
export class TokenFileError extends GatewayError {
  constructor(message: string, cause?: unknown) {
    super('API_TOKENS_INVALID', message, { cause });
  }
}

/**
 * The API's tokens, kept hashed in one JSON file (`api.tokensFile`):
 * `{"tokens": [{id, sha256, scope, label, createdAt}]}`, mode 0600. The
 * gateway reads it at start and again whenever the file changes (a token
 * added by `espnow-gateway token add` works on the next request, no restart).
 */
export class TokenFile {
  readonly path: string;
  private tokens: StoredToken[] = [];
  private seen = '';

  constructor(path: string) {
    this.path = path;
  }

  /** Reads the file when it changed since the last call (a missing file = no tokens). Throws {@link TokenFileError}. */
  async refresh(): Promise<void> {
    let signature: string;
    try {
      const s = await stat(this.path);
      signature = `${s.ino}/${s.size}/${s.mtimeMs}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new TokenFileError(`${this.path}: ${(error as Error).message}`, error);
      this.tokens = [];
      this.seen = '';
      return;
    }
    if (signature === this.seen) return;
    this.tokens = await this.read();
    this.seen = signature;
  }

  /** How many tokens the file holds (as of the last refresh). */
  get size(): number {
    return this.tokens.length;
  }

  /** The token's identity when the file holds its hash; undefined otherwise. Constant-time per stored hash. */
  verify(token: string): TokenIdentity | undefined {
    const presented = Buffer.from(hashToken(token), 'hex');
    let found: StoredToken | undefined;
    for (const t of this.tokens) {
      if (timingSafeEqual(presented, Buffer.from(t.sha256, 'hex'))) found = t;
    }
    if (!found) return undefined;
    const { sha256: _, ...identity } = found;
    return identity;
  }

  /**
   * Makes a token, stores its hash (atomically: a temporary file renamed over
   * the old one, mode 0600; as root the file goes to the owner of its
   * directory, so the service user can read it) and returns the token itself.
   */
  async add(scope: TokenScope, label: string, nowMs = Date.now()): Promise<{ token: string; stored: StoredToken }> {
    const existing = await this.readOrEmpty();
    const token = newToken();
    const sha256 = hashToken(token);
    const stored: StoredToken = { id: sha256.slice(0, 8), sha256, scope, label, createdAt: new Date(nowMs).toISOString() };
    await this.write([...existing, stored]);
    return { token, stored };
  }

  /** Every token's identity as the file holds it now (never the token: the file does not have it). */
  async list(): Promise<TokenIdentity[]> {
    return (await this.readOrEmpty()).map(({ sha256: _, ...identity }) => identity);
  }

  /** Removes the tokens whose id is `id` (the first 8 hex digits of the hash); returns how many went. */
  async remove(id: string): Promise<number> {
    const existing = await this.readOrEmpty();
    const kept = existing.filter((t) => t.id !== id.toLowerCase());
    if (kept.length !== existing.length) await this.write(kept);
    return existing.length - kept.length;
  }

  private async readOrEmpty(): Promise<StoredToken[]> {
    try {
      await stat(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    }
    return this.read();
  }

  private async write(tokens: StoredToken[]): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify({ tokens }, null, 2)}\n`, { mode: 0o600 });
    if (process.getuid?.() === 0) {
      const owner = await stat(dirname(this.path));
      await chown(tmp, owner.uid, owner.gid);
    }
    await rename(tmp, this.path);
  }

  private async read(): Promise<StoredToken[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      throw new TokenFileError(`${this.path}: cannot read the API tokens file: ${(error as Error).message}`, error);
    }
    try {
      return parseTokens(JSON.parse(text));
    } catch (error) {
      throw new TokenFileError(`${this.path}: not an API tokens file (${(error as Error).message}); make tokens with espnow-gateway token add`, error);
    }
  }
}

/** Checks the parsed file; throws naming the first bad entry. */
function parseTokens(data: unknown): StoredToken[] {
  const list = (data as { tokens?: unknown })?.tokens;
  if (!Array.isArray(list)) throw new Error('expected {"tokens": [...]}');
  return list.map((entry: Partial<StoredToken>, i) => {
    if (typeof entry?.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(entry.sha256)) throw new Error(`tokens[${i}].sha256: expected 64 hex digits`);
    if (entry.scope !== 'read' && entry.scope !== 'control') throw new Error(`tokens[${i}].scope: expected read or control`);
    return {
      id: entry.sha256.slice(0, 8), sha256: entry.sha256, scope: entry.scope,
      label: typeof entry.label === 'string' ? entry.label : '', createdAt: typeof entry.createdAt === 'string' ? entry.createdAt : '',
    };
  });
}
