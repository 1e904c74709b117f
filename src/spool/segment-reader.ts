import { fstatSync, openSync, read, statSync } from 'node:fs';
import { closeQuietly } from './segment-io.ts';
import type { SpoolSegment } from './segment-recovery.ts';

/** The read fd of one segment, and whether it may still be used. */
interface Handle {
  seg: SpoolSegment;
  /** -1 once closed. */
  fd: number;
  ino: number;
  dev: number;
  /** Reads in flight on `fd`: it is closed only when none are, so a reused fd number never gets their bytes. */
  reads: number;
  /** No longer the current handle: closed as soon as no read is in flight. */
  dropped: boolean;
}

const readInto = (fd: number, buf: Buffer, offset: number): Promise<number> =>
  new Promise((resolve, reject) => read(fd, buf, 0, buf.length, offset, (err, n) => (err ? reject(err) : resolve(n))));

/**
 * The read side of the segments: one fd kept open on the segment the cursor
 * is in (opened on its first read, reused by the next ones), instead of an
 * open, read and close per `read()`. Before each read the segment's name is
 * checked to still lead to that fd's file (one `stat`, same inode and
 * device; the inode cannot be reused while the fd holds it), so a segment
 * deleted, replaced (a file renamed onto it, the directory made again or
 * unmounted) is read exactly as before: by its path, which then fails with
 * ENOENT or reads the file now there, never the old inode's data. The fd
 * is closed when reading moves to another segment, when its segment is
 * deleted (so its disk space is freed), on a read error, on the fsync tick
 * once its name leads elsewhere, and when the spool closes: at most one
 * read fd is open (plus one whose read is still in flight).
 */
export class SegmentReader {
  private current: Handle | undefined;

  /**
   * Reads up to `buf.length` bytes of `seg` at byte `offset`; resolves with
   * the bytes read. Rejects with the system error of the open (ENOENT: the
   * file is gone) or of the read.
   */
  async read(seg: SpoolSegment, buf: Buffer, offset: number): Promise<number> {
    const h = this.handle(seg);
    h.reads += 1;
    try {
      return await readInto(h.fd, buf, offset);
    } catch (err) {
      if (this.current === h) this.release(); // EIO and the like: the next read opens the path again
      throw err;
    } finally {
      h.reads -= 1;
      settle(h);
    }
  }

  /** Closes the fd if it is `seg`'s (the segment is about to be deleted). */
  forget(seg: SpoolSegment): void {
    if (this.current?.seg === seg) this.release();
  }

  /** Closes the fd if its segment's name no longer leads to it (the fsync tick's check). */
  check(): void {
    if (this.current && !leadsTo(this.current)) this.release();
  }

  /** Closes the fd (once no read is in flight on it). */
  release(): void {
    const h = this.current;
    if (!h) return;
    this.current = undefined;
    h.dropped = true;
    settle(h);
  }

  private handle(seg: SpoolSegment): Handle {
    const h = this.current;
    if (h && h.seg === seg && leadsTo(h)) return h;
    this.release();
    const fd = openSync(seg.path, 'r');
    try {
      const { ino, dev } = fstatSync(fd);
      this.current = { seg, fd, ino, dev, reads: 0, dropped: false };
      return this.current;
    } catch (err) {
      closeQuietly(fd);
      throw err;
    }
  }
}

/** True while `h`'s segment name still leads to the file open as its fd; any error (ENOENT, EIO) says no. */
function leadsTo(h: Handle): boolean {
  try {
    const named = statSync(h.seg.path, { throwIfNoEntry: false });
    return named !== undefined && named.ino === h.ino && named.dev === h.dev;
  } catch {
    return false;
  }
}

function settle(h: Handle): void {
  if (!h.dropped || h.reads > 0 || h.fd < 0) return;
  closeQuietly(h.fd);
  h.fd = -1;
}
