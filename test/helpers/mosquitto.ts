import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { userInfo } from 'node:os';
import { promisify } from 'node:util';
import { onFreePort } from './free-port.ts';
import { makeTempDir, type TempDir } from './temp-dir.ts';
import { waitFor } from './wait-for.ts';

/** A running mosquitto, see {@link startMosquitto}. */
export interface Mosquitto {
  /** `mqtt://127.0.0.1:<port>`; use it as `mqtt.url`. */
  url: string;
  port: number;
  /** Stops the broker (an outage); the port stays. Retained messages are lost (no persistence). */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  restart(): Promise<void>;
  /** Stops it and deletes its files. */
  stop(): Promise<void>;
}

/** Options of {@link startMosquitto}. */
export interface MosquittoOptions {
  /** user -> password; when given, anonymous clients are refused (a password file made with `mosquitto_passwd`). */
  users?: Record<string, string>;
}

const run = promisify(execFile);
/** Debian puts the broker in /usr/sbin, which a normal user's PATH may lack. */
const MOSQUITTO = existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto';

/**
 * Starts Debian's `/usr/sbin/mosquitto` (2.x) on 127.0.0.1 on a free port
 * with a temporary config (`listener <port> 127.0.0.1`, anonymous allowed
 * unless `users` are given) and waits until the port accepts connections.
 */
export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  const dir: TempDir = await makeTempDir('mosquitto');
  let port = 0;
  const conf = `${dir.path}/mosquitto.conf`;
  // As root mosquitto drops to the `mosquitto` user, which cannot read our private temp dir: stay who we are.
  const lines = [`user ${userInfo().username}`, 'persistence false', 'log_dest stderr', 'log_type error', 'log_type warning'];
  if (options.users) {
    const passwd = `${dir.path}/passwd`;
    await writeFile(passwd, '', { mode: 0o600 });
    for (const [user, password] of Object.entries(options.users)) await run('mosquitto_passwd', ['-b', passwd, user, password]);
    lines.push('allow_anonymous false', `password_file ${passwd}`);
  } else {
    lines.push('allow_anonymous true');
  }
  let child: ChildProcess | undefined;

  const up = async (): Promise<void> => {
    const proc = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child = proc;
    await waitFor(async () => proc.exitCode !== null || (await accepts(port)), 10_000, 'mosquitto listening', 20);
    // A process that lost the port to another test sees the winner accept, then exits.
    if (proc.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 100));
    if (proc.exitCode !== null) throw new Error(`mosquitto exited ${proc.exitCode}: ${stderr}`);
  };

  const kill = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  };

  // The first start takes another port if this one is taken before mosquitto binds it; a restart keeps the port.
  await onFreePort(async (free) => {
    port = free;
    await writeFile(conf, `${[`listener ${port} 127.0.0.1`, ...lines].join('\n')}\n`, { mode: 0o600 });
    await up();
  });
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    kill,
    restart: up,
    stop: async () => {
      await kill();
      await dir.remove();
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}
