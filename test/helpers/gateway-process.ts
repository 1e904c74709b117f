import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { waitFor } from './wait-for.ts';

/** Repository root. */
export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** A gateway CLI running as its own process (through tsx, no build needed). */
export interface GatewayProcess {
  child: ChildProcess;
  /** Parsed JSON log lines so far (pino's standard output). */
  logs: Record<string, unknown>[];
  /** Everything written to standard error. */
  stderr(): string;
  /** Resolves with the first log line `match` accepts. */
  waitForLog(match: (entry: Record<string, unknown>) => boolean, timeoutMs?: number, what?: string): Promise<Record<string, unknown>>;
  /** Sends `signal` and resolves with the exit code (or the signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
  /** Resolves when the process has exited. */
  exited: Promise<number | string>;
}

/** Runs `espnow-gateway <args>` from the sources. */
export function spawnGateway(args: string[], env: NodeJS.ProcessEnv = {}): GatewayProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'src', 'bin.ts'), ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let err = '';
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ text: line });
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { err += chunk; });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    logs,
    stderr: () => err,
    exited,
    waitForLog: (match, timeoutMs = 10_000, what = 'log line') => waitFor(() => logs.find(match), timeoutMs, what),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Writes a config object as YAML to `<dir>/gateway.yaml` and returns its path. */
export async function writeConfig(dir: string, config: Record<string, unknown>): Promise<string> {
  const file = join(dir, 'gateway.yaml');
  await writeFile(file, stringify(config));
  return file;
}
