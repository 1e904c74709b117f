/** Prefix of every archive's file name. */
export const ARCHIVE_PREFIX = 'espnow-gateway-';

/**
 * `espnow-gateway-<gateway>-<UTC time to the ms>.tar.gz`, e.g.
 * `espnow-gateway-pi-cupboard-20250102T030405.678Z.tar.gz`: names sort by
 * time, which retention relies on. Pure.
 */
export function archiveName(gateway: string, nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, '');
  return `${ARCHIVE_PREFIX}${gateway.replace(/[^A-Za-z0-9._-]/g, '_')}-${stamp}.tar.gz`;
}

/** True for a name {@link archiveName} gives for `gateway`. */
export function isArchiveOf(gateway: string, name: string): boolean {
  const prefix = `${ARCHIVE_PREFIX}${gateway.replace(/[^A-Za-z0-9._-]/g, '_')}-`;
  return name.startsWith(prefix) && /^\d{8}T\d{6}\.\d{3}Z\.tar\.gz$/.test(name.slice(prefix.length));
}
