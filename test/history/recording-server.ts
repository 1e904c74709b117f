import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the server received. */
export interface RecordedRequest {
  method: string;
  /** Path and query string, e.g. `/api/v2/query?org=home`. */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A plain HTTP server on 127.0.0.1 that records every request and answers with `answer`. */
export interface RecordingServer {
  url: string;
  requests: RecordedRequest[];
  /** What to answer; change it between queries. Return without ending the response to never answer. */
  answer: (req: RecordedRequest, res: ServerResponse) => void;
  close(): Promise<void>;
}

/** Starts a {@link RecordingServer} on a port the OS picks. */
export async function startRecordingServer(answer: RecordingServer['answer']): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const state: RecordingServer = { url: '', requests, answer, close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      requests.push(recorded);
      state.answer(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return state;
}

/** A CSV cell (RFC 4180): quoted when it holds a quote, comma or line break, quotes doubled. */
const csvCell = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** Columns of a Flux table after aggregateWindow: [name, annotated type, in the group key]. */
type Column = [name: string, type: string, group: boolean];

/**
 * One table of an InfluxDB annotated CSV answer (`#datatype`, `#group`,
 * `#default` and the header, then a row per `rows` entry) as InfluxDB 2 sends
 * it for aggregateWindow output: `_start`, `_stop`, `_time`, `_value` of
 * `valueType`, `_field`, `_measurement`, then the tags. Tables with
 * different annotations are separated by an empty line.
 */
export function annotatedTable(
  table: number, valueType: string, tags: Record<string, string>, start: string, stop: string, field: string, measurement: string,
  rows: Array<[time: string, value: string]>,
): string {
  const columns: Column[] = [
    ['result', 'string', false], ['table', 'long', false], ['_start', 'dateTime:RFC3339', true], ['_stop', 'dateTime:RFC3339', true],
    ['_time', 'dateTime:RFC3339', false], ['_value', valueType, false], ['_field', 'string', true], ['_measurement', 'string', true],
    ...Object.keys(tags).map((k): Column => [k, 'string', true]),
  ];
  const head = [
    `#datatype,${columns.map((c) => c[1]).join(',')}`,
    `#group,${columns.map((c) => String(c[2])).join(',')}`,
    `#default,history,${columns.slice(1).map(() => '').join(',')}`,
    `,${columns.map((c) => c[0]).join(',')}`,
  ];
  const body = rows.map(([time, value]) => `,,${table},${start},${stop},${time},${value},${field},${measurement},${Object.values(tags).map(csvCell).join(',')}`);
  return [...head, ...body].join('\r\n') + '\r\n';
}
