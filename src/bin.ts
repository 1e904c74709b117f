/**
 * Process entry: runs the CLI and exits with its code. `bin/espnow-gateway.js`
 * loads the compiled copy; tests run this file through tsx.
 */
import { main } from './cli.ts';

main(process.argv.slice(2)).then(
  (code) => {
    // Leave through the event loop once so pino and stdout drain, then exit even
    // if a handle (a closing serial port, a timer) is still around.
    setImmediate(() => process.exit(code));
  },
  (error: unknown) => {
    process.stderr.write(`espnow-gateway: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  },
);
