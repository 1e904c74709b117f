import type { Logger } from '../log.ts';

/** Which spool operation a disk error came from (named in the log). */
export type SpoolDiskOp =
  | 'segment append' | 'segment creation' | 'segment fsync' | 'directory fsync' | 'ack cursor' | 'segment read' | 'spool directory';

/** What is wrong with the spool's storage right now. */
export interface DiskProblem {
  /** errno code of the first failure of this episode, e.g. `ENOSPC`. */
  code: string;
  /** Short words for a person: `disk full`, `disk read-only`, ... (the e-ink panel shows them). */
  summary: string;
  /** Operation that failed first. */
  op: SpoolDiskOp;
  /** When the episode began, ms since epoch. */
  sinceMs: number;
  /** Failed operations in this episode. */
  failures: number;
}

/** A Node system error (has a string errno `code`), as opposed to a bug. */
export const isSystemError = (err: unknown): err is NodeJS.ErrnoException =>
  err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && (err as NodeJS.ErrnoException).code!.startsWith('E');

const SUMMARY: Record<string, string> = {
  ENOSPC: 'disk full', EDQUOT: 'disk quota full', EROFS: 'disk read-only', EIO: 'disk I/O error',
  EACCES: 'spool not writable', EPERM: 'spool not writable', ENOENT: 'spool directory missing',
};

/** Short words for a storage errno code, e.g. `disk full` for `ENOSPC`. */
export const diskProblemSummary = (code: string): string => SUMMARY[code] ?? `disk error ${code}`;

/**
 * Keeps track of disk failures of one spool as episodes: the first failure
 * is logged at error (what failed, why, how many points wait in memory),
 * later ones are only counted, and the first fully successful fsync tick
 * ends the episode with one log line carrying the counts.
 */
export class DiskHealth {
  /** The current episode, undefined while writes work. */
  problem: DiskProblem | undefined;
  /** Failed disk operations since start. */
  failures = 0;

  constructor(
    private readonly log: Logger,
    private readonly dir: string,
    private readonly now: () => number,
  ) {}

  /** Records a failed operation; logs when it starts an episode. */
  fail(op: SpoolDiskOp, err: NodeJS.ErrnoException, heldLines: number): void {
    this.failures += 1;
    if (this.problem) {
      this.problem.failures += 1;
      return;
    }
    const code = err.code ?? 'EIO';
    this.problem = { code, summary: diskProblemSummary(code), op, sinceMs: this.now(), failures: 1 };
    this.log.error(
      { dir: this.dir, op, code, heldLines, err: err.message },
      `spool ${this.problem.summary}: ${op} in ${this.dir} failed (${code}); accepted points are held in memory and retried every fsync tick`,
    );
  }

  /** Ends the episode, if any, after a tick where every disk operation worked. */
  recovered(fields: Record<string, number>): void {
    const p = this.problem;
    if (!p) return;
    this.problem = undefined;
    this.log.warn(
      { dir: this.dir, code: p.code, downMs: this.now() - p.sinceMs, failures: p.failures, ...fields },
      `spool disk writes work again after ${p.summary}`,
    );
  }
}
