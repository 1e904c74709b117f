import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `start(port)` on a port from {@link freePort}, again on another one (up to
 * `attempts` in all) when it fails because the port was taken between the
 * pick and the server's bind (tests run in parallel): its error message says
 * "address already in use", as every server here logs it.
 */
export async function onFreePort<T>(start: (port: number) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start(await freePort());
    } catch (err) {
      if (attempt === attempts || !/address already in use/i.test((err as Error).message)) throw err;
    }
  }
}
