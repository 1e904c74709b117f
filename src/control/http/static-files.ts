import fastifyStatic from '@fastify/static';
import { basename, dirname } from 'node:path';
import { ApiError } from './api-error.ts';
import type { ApiApp } from './build-app.ts';
import type { StaticOptions } from './http-api-deps.ts';

/**
 * Serves the page: `options.root` at `/` (`index.html` for `/`), and each
 * `options.vendor` entry at `/vendor/<key>` (a file from node_modules), with
 * nothing fetched from the internet. Public: the page loads before it asks
 * for a token.
 */
export async function registerStatic(app: ApiApp, options: StaticOptions): Promise<void> {
  await app.register(fastifyStatic, { root: options.root, prefix: '/', index: ['index.html'], cacheControl: true, maxAge: 0 });
  app.get('/vendor/*', { schema: { hide: true }, config: { access: 'public' } }, async (req, reply) => {
    const name = (req.params as { '*': string })['*'];
    const file = Object.hasOwn(options.vendor, name) ? options.vendor[name] : undefined;
    if (file === undefined) throw new ApiError(404, 'NOT_FOUND', `/vendor/${name}: not a file the page uses`);
    return reply.sendFile(basename(file), dirname(file));
  });
}
