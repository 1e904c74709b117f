import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../../test/helpers/free-port.ts';
import { waitFor } from '../../test/helpers/wait-for.ts';
import { nodeRedFlow, PORT_OPEN_MARKER, settingsFile, type FlowTarget } from './flow.ts';

/** A running Node-RED, see {@link startNodeRed}. */
export interface NodeRed {
  /** Its process id (the node process running red.js). */
  pid: number;
  /** SIGTERM, then SIGKILL if it has not exited within 20 s. */
  stop(): Promise<void>;
}

/**
 * Writes settings, flow and credentials into `userDir` (a fresh temp dir)
 * and starts `node <redJs> --settings <file> --userDir <userDir>`; resolves
 * once the serial node has opened `target.serialPath`. Everything else
 * Node-RED prints (warnings and errors only) goes to stderr, each line
 * prefixed with `node-red: `.
 */
export async function startNodeRed(redJs: string, userDir: string, target: FlowTarget): Promise<NodeRed> {
  const { flow, credentials } = nodeRedFlow(target);
  const settings = join(userDir, 'settings.js');
  await writeFile(join(userDir, 'flows.json'), JSON.stringify(flow, null, 2));
  await writeFile(join(userDir, 'flows_cred.json'), JSON.stringify(credentials));
  await writeFile(settings, settingsFile(userDir, 'flows.json', await freePort()));
  const child = spawn(process.execPath, [redJs, '--settings', settings, '--userDir', userDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(killer);
  };
  let open = false;
  forwardLines(child, (line) => {
    if (line === PORT_OPEN_MARKER) open = true;
    else process.stderr.write(`node-red: ${line}\n`);
  });
  try {
    await waitFor(() => open || child.exitCode !== null, 60_000, 'Node-RED: serial port open', 50);
    if (!open) throw new Error(`Node-RED exited (code ${child.exitCode}) before opening ${target.serialPath}`);
  } catch (err) {
    await stop();
    throw err;
  }
  return { pid: child.pid!, stop };
}

/** Calls `onLine` with each line the child writes to stdout or stderr. */
function forwardLines(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout!, child.stderr!]) {
    let partial = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (line.trim() !== '') onLine(line);
    });
  }
}
