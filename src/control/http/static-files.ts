import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { ApiError } from './api-error.ts';
import type { StaticOptions } from './http-api-deps.ts';

/** Content-Type by file extension; anything else is `application/octet-stream`. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * The file under `root` that URL path `path` (`/js/app.js`, still
 * percent-encoded) names, `index.html` for a path ending in `/`; undefined
 * when the path is not one the page may use: undecodable, a NUL byte, an
 * empty, `.` or `..` segment (so nothing absolute and nothing above `root`),
 * or a dotfile. Pure.
 */
export function fileUnderRoot(root: string, path: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.slice(1).split('/');
  if (segments.at(-1) === '') segments[segments.length - 1] = 'index.html';
  if (segments.some((s) => s === '' || s.startsWith('.'))) return undefined;
  const file = join(root, ...segments);
  return file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : undefined;
}

/** `W/"<size>-<mtime ms>"` in hex: changes whenever the file is rewritten, no hashing. Pure. */
export const etagOf = (size: number, mtimeMs: number): string => `W/"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;

/** True when an `If-None-Match` header names `etag` (compared weakly) or is `*`. Pure. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string): string => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}

/**
 * Answers with regular file `file` (GET; fastify answers HEAD with the same
 * headers and no body): Content-Type by extension, `Cache-Control: no-cache`
 * with an ETag and Last-Modified, 304 when `If-None-Match` has the ETag; a
 * JSON 404 naming `urlPath` when `file` is undefined, missing or not a file.
 */
async function sendFile(req: FastifyRequest, reply: FastifyReply, urlPath: string, file: string | undefined): Promise<FastifyReply> {
  const notFound = new ApiError(404, 'NOT_FOUND', `${urlPath}: no such file`);
  if (file === undefined) throw notFound;
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw error;
  });
  if (!info?.isFile()) throw notFound;
  const etag = etagOf(info.size, info.mtimeMs);
  reply.header('Cache-Control', 'no-cache').header('ETag', etag).header('Last-Modified', info.mtime.toUTCString());
  if (etagMatches(req.headers['if-none-match'], etag)) return reply.code(304).send();
  return reply.type(CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream').send(await readFile(file));
}

/**
 * Serves the page: `options.root` at `/` (`index.html` for `/`), and each
 * `options.vendor` entry at `/vendor/<key>` (a file from node_modules), with
 * nothing fetched from the internet. Public: the page loads before it asks
 * for a token. Paths under `/api/` that no route has stay the API's 404.
 */
export function registerStatic(app: FastifyInstance, options: StaticOptions): void {
  const pathOf = (req: FastifyRequest): string => req.url.split('?')[0];
  app.get('/vendor/*', { schema: { hide: true }, config: { access: 'public' } }, async (req, reply) => {
    const name = (req.params as { '*': string })['*'];
    const file = Object.hasOwn(options.vendor, name) ? options.vendor[name] : undefined;
    if (file === undefined) throw new ApiError(404, 'NOT_FOUND', `/vendor/${name}: not a file the page uses`);
    return sendFile(req, reply, pathOf(req), file);
  });
  app.get('/*', { schema: { hide: true } }, async (req, reply) => {
    const path = pathOf(req);
    if (path.startsWith('/api/')) return reply.callNotFound();
    return sendFile(req, reply, path, fileUnderRoot(options.root, path));
  });
}
