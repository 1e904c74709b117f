import { stat } from 'node:fs/promises';

/** The parts of `fs.Stats` the permission rules read. */
export interface FileMode { mode: number; uid: number; gid: number }

const octal = (mode: number): string => (mode & 0o777).toString(8).padStart(4, '0');

/**
 * Warning for an InfluxDB token file others may read, or undefined when it is
 * private. Others-readable (`o+r`) is always a warning. Group-readable
 * (`g+r`) is one too, except in the installer's layout: owned by root with the
 * service's own group (`root:espnow-gateway`, 0640), where the group is how
 * the service reads it. The fix is the exact `chmod`: 640 in that layout, 600
 * otherwise (the service owns the file and needs nobody else).
 * `configFile` starts the message, like a config problem.
 */
export function tokenFileWarning(configFile: string, tokenFile: string, s: FileMode): string | undefined {
  const installerLayout = s.uid === 0 && s.gid !== 0;
  const others = (s.mode & 0o004) !== 0;
  const group = (s.mode & 0o040) !== 0 && !installerLayout;
  if (!others && !group) return undefined;
  const who = others && group ? 'group and others' : others ? 'others' : 'group';
  const fix = installerLayout ? 640 : 600;
  return `${configFile}: influx.tokenFile: ${tokenFile} (the InfluxDB token) is readable by ${who} (mode ${octal(s.mode)}); run: chmod ${fix} ${tokenFile}`;
}

/**
 * Warning for a config file with an inline `influx.token` that every user of
 * the machine may read (`o+r`), or undefined. The fix: `chmod 640` the config
 * and move the token to `influx.tokenFile`.
 */
export function inlineTokenWarning(configFile: string, s: FileMode): string | undefined {
  if ((s.mode & 0o004) === 0) return undefined;
  return `${configFile}: influx.token: the InfluxDB token is inline in a file readable by others (mode ${octal(s.mode)}); run: chmod 640 ${configFile}, and better move the token to a file named by influx.tokenFile (chmod 600)`;
}

/** `stat` of `file`, or undefined when it cannot be read (the loader reports that itself). */
export const modeOf = (file: string): Promise<FileMode | undefined> => stat(file).then((s) => s, () => undefined);
