import { isIP, connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { IClientOptions, MqttClient } from 'mqtt';
// CommonJS with `exports.default`: from ESM, the class is the module's `default`.
import clientModule from 'mqtt/lib/client';

const Client = clientModule.default;

/** Default ports of `mqtt://` and `mqtts://` (IANA). */
const DEFAULT_PORT = { 'mqtt:': 1883, 'mqtts:': 8883 } as const;

/**
 * An mqtt.js client for `url` (`mqtt://host[:port]` or `mqtts://...`), built
 * on mqtt.js's own `MqttClient` with a stream builder for TCP and TLS only.
 * mqtt.js's `connect()` loads every transport it knows at import (WebSocket,
 * SOCKS proxies, WeChat and Alipay mini-programs): about 330 kB of modules
 * the gateway never uses, 2-3 MB of resident memory on a Pi.
 *
 * What `connect()` does for these two schemes is done here: the port
 * defaults to 1883 / 8883, a `user:password@` in the URL is used where the
 * options give none, and TLS checks the broker's certificate (against the
 * system's CAs and `NODE_EXTRA_CA_CERTS`) for the URL's host name, sent as
 * SNI unless it is an IP address. Each (re)connect builds a new stream.
 */
export function connectMqtt(url: string, options: IClientOptions): MqttClient {
  const parsed = new URL(url);
  const protocol = parsed.protocol;
  if (protocol !== 'mqtt:' && protocol !== 'mqtts:') throw new Error(`not an mqtt:// or mqtts:// URL: ${url}`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1'); // IPv6 literals come in brackets
  const port = parsed.port === '' ? DEFAULT_PORT[protocol] : Number(parsed.port);
  const build = protocol === 'mqtts:'
    ? () => tlsConnect({ host, port, ...(isIP(host) === 0 ? { servername: host } : {}) })
    : () => tcpConnect({ host, port });
  const fromUrl = parsed.username === '' || options.username !== undefined ? {} : {
    username: decodeURIComponent(parsed.username),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
  };
  return new Client(build, { protocol: protocol === 'mqtts:' ? 'mqtts' : 'mqtt', host, port, ...fromUrl, ...options });
}
