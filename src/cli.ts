import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { packagePath } from './package-root.ts';

const USAGE = `usage: espnow-gateway <command> [options]

commands:
  run --config FILE        run the gateway in the foreground until SIGINT/SIGTERM
  demo [--duration S] [--data-dir DIR]
                           the whole gateway with a simulated broker, no hardware needed:
                           points go to line-protocol files, the screen to a PNG
  doctor --config FILE     check config, broker, InfluxDB, panel, clock and disk; print fixes
  check-config --config FILE
                           validate a config file and print every problem
  token add --config FILE --scope read|control [--label L]
                           make an API token; printed once, alone on the last line
                           (token list / token revoke ID: see or withdraw them)
  backup [--config FILE] [--to DIR] [--with-secrets]
                           write one archive (config, command log, held readings, unsent points)
                           while the gateway runs; secrets only with --with-secrets
  restore --config FILE [--force] ARCHIVE
                           check an archive, then restore it; unsent points are appended
  epd-trace --panel P --black B.png [--red R.png] [--partial-base BASE.png]
                           print what the e-ink driver sends for a picture (JSON)
  version                  print the version
`;

/** The package version. */
function version(): string {
  return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The command line. Returns the process exit code: 0 ok, 1 failure at run
 * time, 2 bad usage or invalid config.
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run': {
      const { runCommand } = await import('./cli/run.ts');
      return runCommand(rest);
    }
    case 'demo': {
      const { demoCommand } = await import('./cli/demo.ts');
      return demoCommand(rest);
    }
    case 'doctor': {
      const { doctor } = await import('./cli/doctor.ts');
      return doctor(rest, process.stdout);
    }
    case 'check-config': {
      const { checkConfigCommand } = await import('./cli/run.ts');
      return checkConfigCommand(rest);
    }
    case 'token': {
      const { tokenCommand } = await import('./cli/token.ts');
      return tokenCommand(rest);
    }
    case 'backup':
    case 'restore': {
      const { backupCommand, restoreCommand } = await import('./cli/backup.ts');
      return command === 'backup' ? backupCommand(rest) : restoreCommand(rest);
    }
    case 'epd-trace': {
      const { epdTrace } = await import('./cli/epd-trace.ts');
      return epdTrace(rest, process.stdout);
    }
    case 'version':
    case '--version':
      process.stdout.write(`${version()}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`espnow-gateway: unknown command ${JSON.stringify(command)}\n${USAGE}`);
      return 2;
  }
}

/** Parses `--config FILE` (required) for the commands that take a config. */
export function configArg(argv: string[], command: string): string | undefined {
  try {
    const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' } }, strict: true });
    if (values.config) return values.config;
    process.stderr.write(`espnow-gateway ${command}: --config FILE is required\n`);
  } catch (error) {
    process.stderr.write(`espnow-gateway ${command}: ${(error as Error).message}\n`);
  }
  return undefined;
}
