/**
 * The HTTP API and web page (issue 11): fastify 5, routes with plain JSON
 * schemas, `/openapi.json`, bearer tokens from a hashed tokens file, a
 * session cookie for the page, server-sent events.
 *
 * ```ts
 * const api = createHttpApi({ config: config.api, nodes, commands, bus, history, health, log, now: Date.now,
 *   static: { root: packagePath('web'), vendor: { 'preact.mjs': packagePath('node_modules/preact/dist/preact.mjs') } } });
 * await api.start();   // listens on api.listen
 * ```
 */
export { createHttpApi, HttpApi } from './http-api.ts';
export type { HttpApiDeps, HttpApiTuning, NodeReader, StaticOptions } from './http-api-deps.ts';
export { ApiError, type ErrorBody } from './api-error.ts';
export { openApiDocument } from './openapi-document.ts';
export { SESSION_COOKIE } from './credentials.ts';
export { hashToken, TokenFile, TokenFileError, TOKEN_PREFIX, type StoredToken, type TokenIdentity, type TokenScope } from './token-file.ts';
