import { readFileSync } from 'node:fs';

/**
 * Tells whether a PID still names the process that wrote a lock. A PID alone
 * does not: after a crash or a power cut the kernel hands PIDs out again, and
 * after a reboot a PID as low as a service's is reused within seconds.
 * Linux gives every process a start time (field 22 of `/proc/<pid>/stat`,
 * clock ticks since boot) and every boot a random id
 * (`/proc/sys/kernel/random/boot_id`); the pair (boot id, PID, start time)
 * names one process for good. Injected so tests can fake a reused PID.
 */
export interface ProcessProbe {
  /** True while a process with this PID exists (`kill(pid, 0)`; EPERM counts as alive). */
  alive(pid: number): boolean;
  /** Field 22 of `/proc/<pid>/stat`; undefined without `/proc` or when the process is gone. */
  startTime(pid: number): string | undefined;
  /** This boot's id; undefined without `/proc`. */
  bootId(): string | undefined;
}

/** Field 22 (`starttime`) of a `/proc/<pid>/stat` line. The name (field 2) is in parentheses and may hold spaces or `)`, so fields are counted after the last `)`. */
export function startTimeOfStat(stat: string): string | undefined {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state), so field 22 is rest[19].
  const value = rest[19];
  return value !== undefined && /^\d+$/.test(value) ? value : undefined;
}

const readOr = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** The real {@link ProcessProbe} (Linux `/proc`; on other systems only `alive` says anything). */
export const systemProcessProbe: ProcessProbe = {
  alive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
  startTime(pid) {
    const stat = readOr(`/proc/${pid}/stat`);
    return stat === undefined ? undefined : startTimeOfStat(stat);
  },
  bootId: () => readOr('/proc/sys/kernel/random/boot_id')?.trim(),
};
