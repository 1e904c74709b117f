import { readFileSync } from 'node:fs';

/** What /proc says about a process: memory in bytes, CPU in s, disk writes in bytes. */
export interface ProcStats {
  /** Resident set now (VmRSS) and its peak so far (VmHWM), bytes. */
  rss: number;
  peakRss: number;
  /** User + system CPU time, s. */
  cpuS: number;
  /** Bytes this process caused to be written to storage, and the part cancelled (files deleted before writeback). */
  writeBytes: number;
  cancelledWriteBytes: number;
}

const TICKS_PER_S = 100; // USER_HZ on Linux

/** Reads /proc/<pid>/{status,stat,io}. */
export function procStats(pid: number): ProcStats {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  const ioField = (key: string): number => Number(new RegExp(`^${key}: (\\d+)`, 'm').exec(io)?.[1] ?? 0);
  return {
    rss: kb('VmRSS'),
    peakRss: kb('VmHWM'),
    cpuS: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S,
    writeBytes: ioField('write_bytes'),
    cancelledWriteBytes: ioField('cancelled_write_bytes'),
  };
}
