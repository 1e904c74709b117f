import { createServer, type Server } from 'node:http';
import type { CommandTimers } from '../../../src/commands/types.ts';

/** A real HTTP server on 127.0.0.1 that records POSTed JSON bodies and answers each with the next status of `statuses` (then 204). */
export interface WebhookReceiver {
  readonly url: string;
  /** Bodies of every request, in order, answered or not. */
  readonly bodies: unknown[];
  /** Statuses answered, in order. */
  readonly answered: number[];
  /** Resolves once `count` requests were received. */
  received(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(statuses: number[] = []): Promise<WebhookReceiver> {
  const bodies: unknown[] = [];
  const answered: number[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const queue = [...statuses];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(req.headers['content-type'] === 'application/json' ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : 'not json');
      const status = queue.shift() ?? 204;
      answered.push(status);
      res.statusCode = status;
      res.end();
      for (const w of waiters.filter((w) => bodies.length >= w.count)) w.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`, bodies, answered,
    received: (count) => (bodies.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Timers that record each delay asked for and run the callback at once (no sleeping). */
export function recordingTimers(): CommandTimers & { readonly delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    setTimeout: (fn, ms) => {
      delays.push(ms);
      return setImmediate(fn);
    },
    clearTimeout: (h) => clearImmediate(h as NodeJS.Immediate),
  };
}
