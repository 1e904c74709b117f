import { request, type ClientRequest } from 'node:http';

/** One event-stream client of `GET /api/events`, see {@link openSseClient}. */
export interface SseClient {
  /** `reading` events received. */
  readings: number;
  /** Delay of each `reading` event whose frame key `sentAt` knows: performance.now() at arrival - at the pty write, ms. */
  delays: number[];
  /** The server ended the stream (or the connection broke) before {@link close}. */
  dropped: boolean;
  close(): void;
}

/**
 * Opens `GET <url>/api/events` (reads open, no token) and resolves once the
 * stream's head has arrived. Each `reading` event is keyed `<mac>/<awake>`
 * (the numbered frames of test/helpers/numbered-frames.ts carry their seq
 * as `awake`) and looked up in `sentAt` (key -> performance.now() of the pty write).
 */
export function openSseClient(url: string, sentAt: ReadonlyMap<string, number>): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    let req: ClientRequest | undefined;
    let closing = false;
    const client: SseClient = { readings: 0, delays: [], dropped: false, close: () => { closing = true; req?.destroy(); } };
    req = request(`${url}/api/events`, { headers: { Accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`GET /api/events: ${res.statusCode}`));
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const now = performance.now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!block.startsWith('event: reading\n')) continue;
          client.readings += 1;
          const data = JSON.parse(block.slice(block.indexOf('data: ') + 6)) as { mac: string; values: { awake?: number } };
          const sent = sentAt.get(`${data.mac}/${data.values.awake}`);
          if (sent !== undefined) client.delays.push(now - sent);
        }
      });
      res.on('close', () => { if (!closing) client.dropped = true; });
      resolve(client);
    });
    req.on('error', (err) => { if (!closing) client.dropped = true; reject(err); });
    req.end();
  });
}
