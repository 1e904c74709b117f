/**
 * Writes docs/openapi.json: the OpenAPI 3.1 document the gateway serves at
 * /openapi.json, generated from the route schemas. Run after changing a
 * route: `node --import tsx scripts/gen-openapi.ts`;
 * test/control/http/openapi.test.ts fails while the two differ.
 */
import { writeFile } from 'node:fs/promises';
import { openApiDocument } from '../src/control/http/openapi-document.ts';
import { packagePath } from '../src/package-root.ts';

const file = packagePath('docs', 'openapi.json');
await writeFile(file, `${JSON.stringify(await openApiDocument(), null, 2)}\n`);
process.stdout.write(`wrote ${file}\n`);
