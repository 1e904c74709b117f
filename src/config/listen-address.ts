/** A TCP address to listen on, from `"host:port"`. */
export interface ListenAddress {
  /** IPv4 address, host name, or IPv6 address without brackets (`::`). */
  readonly host: string;
  /** 0..65535; 0 lets the system pick one (tests). */
  readonly port: number;
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6 = /^[0-9A-Fa-f:.]+(?:%[A-Za-z0-9._-]+)?$/;

/**
 * Parses `"127.0.0.1:8080"`, `"0.0.0.0:8080"`, `"[::]:8080"` or
 * `"gateway.local:8080"`; undefined for anything else (no port, a port
 * outside 0..65535, an IPv6 address without brackets). Pure.
 */
export function parseListen(text: string): ListenAddress | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65535) return undefined;
  const host = match[1] ?? match[2];
  if (match[1] !== undefined ? !(IPV6.test(host) && host.includes(':')) : !HOST_NAME.test(host)) return undefined;
  return { host, port };
}

/** What is wrong with an `api.listen` value, for the config error. */
export const LISTEN_HINT = 'not host:port (e.g. 127.0.0.1:8080, 0.0.0.0:8080 for the LAN, [::]:8080; port 0..65535)';
