import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { REPO } from '../helpers/gateway-process.ts';

/** What the page loads from /vendor/<name> (web/vendor.json): name -> file under node_modules. */
export const VENDOR_FILES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(JSON.parse(readFileSync(join(REPO, 'web', 'vendor.json'), 'utf8')) as Record<string, string>).filter(([k]) => !k.startsWith('$')),
);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.svg': 'image/svg+xml',
};

/** Handles `/api/...`; answers or returns false to fall through to a 404. */
export type ApiHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;

/** A page server for the tests: web/ at `/`, the vendor files, and `api` for the rest. */
export interface StaticServer {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

/** Serves web/ and /vendor/* on 127.0.0.1:`port`, delegating /api/* to `api`. */
export async function startStaticServer(port: number, api: ApiHandler): Promise<StaticServer> {
  const web = join(REPO, 'web');
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    void (async () => {
      if (url.pathname.startsWith('/api/') && (await api(req, res, url))) return;
      let file: string | undefined;
      if (url.pathname.startsWith('/vendor/')) {
        const rel = VENDOR_FILES[url.pathname.slice('/vendor/'.length)];
        file = rel && join(REPO, 'node_modules', rel);
      } else if (!url.pathname.startsWith('/api/')) {
        const rel = normalize(url.pathname === '/' ? '/index.html' : url.pathname);
        file = rel.includes('..') ? undefined : join(web, rel);
      }
      const body = file && (await readFile(file).catch(() => undefined));
      if (!body) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'NOT_FOUND', message: `${url.pathname}: not found` }));
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[extname(file!)] ?? 'application/octet-stream' }).end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
