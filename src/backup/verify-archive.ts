import { createHash, type Hash } from 'node:crypto';
import { BackupError } from './backup-error.ts';
import { checkManifest, MANIFEST_NAME, UNSENT_MEMBER, type Manifest, type ManifestFile } from './manifest.ts';
import { readTarGz, type MemberSink } from './tar-gz-reader.ts';

/** A checked archive: its manifest and every member's bytes except the unsent points (streamed again on restore). */
export interface VerifiedArchive {
  readonly manifest: Manifest;
  /** Member path -> bytes, for every member but {@link UNSENT_MEMBER}. */
  readonly members: ReadonlyMap<string, Buffer>;
}

const NEWLINE = 0x0a;

/**
 * Reads the whole archive once and checks it before anything is changed:
 * it decompresses, `manifest.json` comes first and has a known format, every
 * member is listed, has its size and SHA-256, none is missing, and the
 * unsent points are as many lines as the manifest says. Throws a
 * {@link BackupError} (bad input) naming the archive and the member.
 */
export async function verifyArchive(file: string): Promise<VerifiedArchive> {
  let manifest: Manifest | undefined;
  const members = new Map<string, Buffer>();
  const seen = new Set<string>();
  const bad = (what: string): BackupError => new BackupError('BACKUP_ARCHIVE_INVALID', `${file}: ${what}`, { badInput: true });
  await readTarGz(file, (header) => {
    if (!manifest) {
      if (header.name !== MANIFEST_NAME) throw bad(`first member is ${header.name}, not ${MANIFEST_NAME}: not an espnow-gateway backup`);
      return collect((data) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(data.toString('utf8'));
        } catch (error) {
          throw bad(`${MANIFEST_NAME}: not JSON (${(error as Error).message})`);
        }
        const checked = checkManifest(parsed);
        if (typeof checked === 'string') throw bad(`${MANIFEST_NAME}: ${checked}`);
        manifest = checked;
      });
    }
    const entry = manifest.files.find((f) => f.path === header.name);
    if (!entry) throw bad(`member ${header.name} is not in ${MANIFEST_NAME}`);
    if (seen.has(entry.path)) throw bad(`member ${header.name} appears twice`);
    seen.add(entry.path);
    return checked(entry, manifest, bad, (data) => members.set(entry.path, data));
  });
  if (!manifest) throw bad(`no ${MANIFEST_NAME}: not an espnow-gateway backup`);
  const missing = manifest.files.filter((f) => !seen.has(f.path)).map((f) => f.path);
  if (missing.length > 0) throw bad(`member(s) listed in ${MANIFEST_NAME} but missing: ${missing.join(', ')}`);
  return { manifest, members };
}

/** Gathers a member's bytes in memory. */
const collect = (done: (data: Buffer) => void): MemberSink => {
  const chunks: Buffer[] = [];
  return { write: (chunk) => void chunks.push(Buffer.from(chunk)), end: () => done(Buffer.concat(chunks)) };
};

/** Hashes and counts a member, keeps it (but the unsent points), and compares with the manifest at its end. */
function checked(entry: ManifestFile, manifest: Manifest, bad: (what: string) => BackupError, keep: (data: Buffer) => void): MemberSink {
  const hash: Hash = createHash('sha256');
  const unsent = entry.path === UNSENT_MEMBER;
  const chunks: Buffer[] = [];
  let size = 0;
  let lines = 0;
  return {
    write: (chunk) => {
      hash.update(chunk);
      size += chunk.length;
      if (unsent) for (let i = chunk.indexOf(NEWLINE); i >= 0; i = chunk.indexOf(NEWLINE, i + 1)) lines += 1;
      else chunks.push(Buffer.from(chunk));
    },
    end: () => {
      if (size !== entry.size) throw bad(`member ${entry.path}: ${size} bytes, the manifest says ${entry.size} (damaged)`);
      const sha = hash.digest('hex');
      if (sha !== entry.sha256) throw bad(`member ${entry.path}: SHA-256 ${sha} does not match the manifest's ${entry.sha256} (damaged)`);
      if (unsent && lines !== manifest.unsentPoints) throw bad(`member ${entry.path}: ${lines} points, the manifest says ${manifest.unsentPoints}`);
      if (!unsent) keep(Buffer.concat(chunks));
    },
  };
}
