import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The newest Node-RED that runs on Node 20 (`engines`: 4.1.x `>=18.5`; 5.x wants `>=22.9`). */
export const NODE_RED_VERSION = '4.1.15';

/** Node-RED and the two node packages of the flow, pinned (installed with `--save-exact`). */
export const NODE_RED_PACKAGES: Readonly<Record<string, string>> = {
  'node-red': NODE_RED_VERSION,
  'node-red-node-serialport': '2.0.3',
  'node-red-contrib-influxdb': '0.7.0',
};

/** Where Node-RED is, or why it could not be had. */
export type NodeRedInstall = { ok: true; dir: string; redJs: string } | { ok: false; reason: string };

/** `${XDG_CACHE_HOME ?? ~/.cache}/espnow-gateway-bench/node-red-<version>`: outside the repository, kept between runs. */
export function installDir(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'espnow-gateway-bench', `node-red-${NODE_RED_VERSION}`);
}

/**
 * Node-RED with its serial and InfluxDB nodes, from {@link installDir}:
 * reused when every pinned package is there at its version and the serial
 * port's native binding loads, else installed there with npm (about 30 s).
 * Never throws: a failed install (no registry, say) gives the reason.
 */
export function ensureNodeRed(say: (text: string) => void): NodeRedInstall {
  const dir = installDir();
  const ready = (): NodeRedInstall => ({ ok: true, dir, redJs: join(dir, 'node_modules', 'node-red', 'red.js') });
  if (missingPackages(dir).length === 0 && bindingError(dir) === undefined) return ready();
  say(`installing Node-RED ${NODE_RED_VERSION} into ${dir}`);
  mkdirSync(dir, { recursive: true });
  const specs = Object.entries(NODE_RED_PACKAGES).map(([name, version]) => `${name}@${version}`);
  const npm = spawnSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--save-exact', ...specs], {
    cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000,
  });
  if (npm.status !== 0) {
    const why = npm.error?.message ?? `exit ${npm.status}`;
    return { ok: false, reason: `npm install failed (${why}): ${npmErrors(npm.stderr ?? '')}` };
  }
  const missing = missingPackages(dir);
  if (missing.length > 0) return { ok: false, reason: `npm install left ${missing.join(', ')} missing or at another version in ${dir}` };
  const broken = bindingError(dir);
  if (broken !== undefined) return { ok: false, reason: `the serial port's native binding (@serialport/bindings-cpp) does not load: ${broken}` };
  return ready();
}

/** `name@version` of each pinned package that is not installed at its version in `dir`. */
function missingPackages(dir: string): string[] {
  return Object.entries(NODE_RED_PACKAGES)
    .filter(([name, version]) => {
      const manifest = join(dir, 'node_modules', name, 'package.json');
      return !existsSync(manifest) || (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version !== version;
    })
    .map(([name, version]) => `${name}@${version}`);
}

/**
 * Why `serialport`, required from the serial node's folder as Node-RED
 * will, cannot load its native binding, or undefined when it can. npm 11
 * does not run `@serialport/bindings-cpp`'s install script (not in
 * allowScripts); the binding comes from the prebuilds the package ships.
 */
function bindingError(dir: string): string | undefined {
  const from = join(dir, 'node_modules', 'node-red-node-serialport');
  if (!existsSync(from)) return 'node-red-node-serialport is not installed';
  const probe = `try {
    require('serialport');
    if (!Object.keys(require.cache).some((f) => f.endsWith('.node'))) throw new Error('no native module was loaded');
  } catch (err) { process.stderr.write(String(err.message).split('\\n')[0]); process.exit(1); }`;
  const r = spawnSync(process.execPath, ['-e', probe], { cwd: from, encoding: 'utf8' });
  return r.status === 0 ? undefined : r.stderr.trim() || `exit ${r.status}`;
}

/** The gist of npm's error output: its first four `npm error` lines (code, message), without stack frames, joined by ` / `. */
function npmErrors(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.startsWith('npm error') && !/^npm error\s+at /.test(l));
  return lines.slice(0, 4).map((l) => l.slice('npm error'.length).trim()).join(' / ') || 'no error output';
}
