import { readFileSync } from 'node:fs';

/** What the flow is pointed at, filled in at run time. */
export interface FlowTarget {
  /** The pty the "serial in" node opens (the gateway's end of the pair). */
  serialPath: string;
  /** InfluxDB 2 base URL: the ack proxy in front of VictoriaMetrics. */
  influxUrl: string;
}

/** Node-RED's flow file (`flows.json`) and its credentials file (`flows_cred.json`, plain JSON: `credentialSecret: false`). */
export interface FlowFiles {
  flow: object[];
  credentials: Record<string, Record<string, string>>;
}

/** The function node's code (see decode.on-start.js and decode.on-message.js). */
const code = (file: string): string => readFileSync(new URL(file, import.meta.url), 'utf8');

/** Id of the InfluxDB config node (its token is a credential). */
const INFLUX_ID = 'influxdb-config';

/**
 * The flow a Node-RED user would build for this: "serial in" (921600 baud,
 * split on "\n", strings out) -> function "decode RX line" (the frame
 * decoding in plain JavaScript) -> "influxdb batch" (InfluxDB 2.0 API, org
 * `home`, bucket `sensors`, precision µs: each message's points written and
 * flushed as they come, one HTTP write per frame). The token is any string:
 * VictoriaMetrics ignores it.
 */
export function nodeRedFlow(target: FlowTarget): FlowFiles {
  const z = 'bench-tab';
  const flow = [
    { id: z, type: 'tab', label: 'espnow bench', disabled: false, info: '' },
    {
      id: 'broker-port', type: 'serial-port', name: 'broker', serialport: target.serialPath, serialbaud: '921600',
      databits: 8, parity: 'none', stopbits: 1, waitfor: '', dtr: 'none', rts: 'none', cts: 'none', dsr: 'none',
      newline: '\\n', bin: 'false', out: 'char', addchar: '', responsetimeout: 10000,
    },
    { id: 'serial-in', type: 'serial in', z, name: 'broker lines', serial: 'broker-port', x: 120, y: 80, wires: [['decode']] },
    {
      id: 'decode', type: 'function', z, name: 'decode RX line', func: code('decode.on-message.js'), outputs: 1, timeout: 0,
      noerr: 0, initialize: code('decode.on-start.js'), finalize: '', libs: [], x: 320, y: 80, wires: [['write']],
    },
    {
      id: INFLUX_ID, type: 'influxdb', hostname: '127.0.0.1', port: 8086, protocol: 'http', database: '', name: 'bench',
      usetls: false, tls: '', influxdbVersion: '2.0', url: target.influxUrl, timeout: 10, rejectUnauthorized: false,
    },
    {
      id: 'write', type: 'influxdb batch', z, influxdb: INFLUX_ID, precision: '', retentionPolicy: '', name: 'points',
      database: '', precisionV18FluxV20: 'us', retentionPolicyV18Flux: '', org: 'home', bucket: 'sensors', x: 520, y: 80, wires: [],
    },
  ];
  return { flow, credentials: { [INFLUX_ID]: { token: 'bench' } } };
}

/** Printed on Node-RED's stdout once the serial node has opened the port (by the logger in {@link settingsFile}). */
export const PORT_OPEN_MARKER = 'bench: serial port open';

/**
 * Node-RED's settings file (CommonJS) for a headless run: no admin or node
 * HTTP roots, so it listens on nothing (`uiHost`/`uiPort` are set to a
 * loopback port all the same), no telemetry, console logging at `warn`; a
 * second logger at `info` prints {@link PORT_OPEN_MARKER} when the serial
 * node logs that the port is open, and nothing else.
 */
export function settingsFile(userDir: string, flowFile: string, uiPort: number): string {
  const plain = {
    userDir, flowFile, uiHost: '127.0.0.1', uiPort, credentialSecret: false,
    disableEditor: true, httpAdminRoot: false, httpNodeRoot: false,
    telemetry: { enabled: false }, diagnostics: { enabled: false }, runtimeState: { enabled: false },
    externalModules: { autoInstall: false, palette: { allowInstall: false } },
  };
  return `module.exports = {
  ...${JSON.stringify(plain, null, 2)},
  logging: {
    console: { level: 'warn', metrics: false, audit: false },
    portOpen: {
      level: 'info', metrics: false, audit: false,
      handler: () => (msg) => { if (/serial port .* opened at/.test(String(msg.msg))) console.log(${JSON.stringify(PORT_OPEN_MARKER)}); },
    },
  },
};
`;
}
