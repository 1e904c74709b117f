import test from 'ava';
import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '../helpers/temp-dir.ts';

const deploy = fileURLToPath(new URL('../../deploy/', import.meta.url));

function sh(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 60_000, env: env ?? process.env }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
  });
}

/** A copy of the unit, with `dropIns` in its `.d` directory (systemd-analyze reads it next to the file). */
async function unitWith(dropIns: string[]): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await makeTempDir('unit');
  const path = join(dir.path, 'espnow-gateway.service');
  await cp(join(deploy, 'espnow-gateway.service'), path);
  await mkdir(`${path}.d`);
  for (const name of dropIns) await cp(join(deploy, name), join(`${path}.d`, name));
  return { path, remove: dir.remove };
}

// ExecStart is /usr/bin/node, which systemd-analyze checks exists: it does here
// (Node 20 from Debian/NodeSource) as on the Pi, so the unit is verified as shipped.
test('systemd-analyze verify accepts the unit without a single warning', async (t) => {
  const { code, stdout, stderr } = await sh('systemd-analyze', ['verify', join(deploy, 'espnow-gateway.service')]);
  t.is(code, 0, stderr);
  t.is(stderr + stdout, '', 'unknown keys and bad values are only warnings: none allowed');
});

test('the unit with the panel drop-in verifies and grants exactly CAP_SYS_RAWIO and /dev/mem', async (t) => {
  const unit = await unitWith(['panel-spi.conf']);
  t.teardown(unit.remove);
  const verify = await sh('systemd-analyze', ['verify', unit.path]);
  t.is(verify.code, 0, verify.stderr);
  t.is(verify.stderr, '');
  const security = await sh('systemd-analyze', ['security', '--offline=true', unit.path]);
  t.regex(security.stdout, /✗ CapabilityBoundingSet=~CAP_SYS_RAWIO/);
  t.regex(security.stdout, /\/dev\/mem:rw/);
  t.notRegex(security.stdout, /✗ CapabilityBoundingSet=~CAP_(DAC_|SYS_ADMIN)/);
});

test('systemd-analyze security rates the unit OK (exposure 2.0 or less), 2.2 at most with the panel', async (t) => {
  const exposure = async (path: string): Promise<number> => {
    const { stdout } = await sh('systemd-analyze', ['security', '--offline=true', path]);
    const match = /Overall exposure level for [^:]+: ([\d.]+) (\w+)/.exec(stdout);
    t.truthy(match, stdout.slice(-300));
    t.log(path.endsWith('.service') ? match![0] : '');
    return Number(match![1]);
  };
  t.true((await exposure(join(deploy, 'espnow-gateway.service'))) <= 2.0);
  const unit = await unitWith(['panel-spi.conf']);
  t.teardown(unit.remove);
  t.true((await exposure(unit.path)) <= 2.2);
});

test('restart-backoff.conf needs systemd 254: 252 warns about its keys (why install-pi.sh skips it there)', async (t) => {
  const version = Number(/systemd (\d+)/.exec((await sh('systemctl', ['--version'])).stdout)?.[1] ?? 0);
  const unit = await unitWith(['restart-backoff.conf']);
  t.teardown(unit.remove);
  const { stderr } = await sh('systemd-analyze', ['verify', unit.path]);
  if (version >= 254) t.is(stderr, '');
  else t.regex(stderr, /Unknown key 'RestartSteps'/);
});

test('the udev rule names the broker /dev/espnow-broker for CP210x, CH340 and Espressif USB', async (t) => {
  const rules = (await readFile(join(deploy, '99-espnow-broker.rules'), 'utf8')).split('\n').filter((l) => l && !l.startsWith('#'));
  const vendors = rules.map((l) => /ATTRS\{idVendor\}=="([0-9a-f]{4})"/.exec(l)?.[1]);
  t.deepEqual(vendors, ['10c4', '1a86', '303a']);
  for (const line of rules) {
    t.regex(line, /^SUBSYSTEM=="tty", /);
    t.regex(line, /SYMLINK\+="espnow-broker"/);
    t.regex(line, /GROUP="dialout", MODE="0660"/);
    // udev syntax: comma-separated KEY(==|=|+=)"value" pairs, nothing else.
    t.regex(line, /^(\w+(\{\w+\})?(==|\+=|=)"[^"]*"(, |$))+$/);
  }
});

test('the crontab starts run-forever.sh at boot, which the package ships executable', async (t) => {
  const crontab = await readFile(join(deploy, 'crontab'), 'utf8');
  t.regex(crontab, /^@reboot \/opt\/espnow-gateway\/deploy\/run-forever\.sh$/m);
  const { code } = await sh('bash', ['-n', join(deploy, 'run-forever.sh')]);
  t.is(code, 0);
});

test('run-forever.sh restarts a failing gateway with doubling waits, logs it, and stops on SIGTERM', async (t) => {
  const dir = await makeTempDir('loop');
  t.teardown(dir.remove);
  const bin = join(dir.path, 'bin');
  await mkdir(bin);
  // Fake `sleep` records the wait instead of waiting; fake node fails 4 times,
  // then asks the loop to stop and waits for its SIGTERM like the gateway would.
  await writeFile(join(bin, 'sleep'), `#!/bin/bash\necho "$1" >>${dir.path}/waits\n`);
  await writeFile(join(bin, 'node'), `#!/bin/bash
n=$(( $(cat ${dir.path}/runs 2>/dev/null || echo 0) + 1 )); echo $n >${dir.path}/runs
echo "gateway run $n: $*"
if (( n < 5 )); then exit 3; fi
trap 'echo "gateway got SIGTERM"; exit 0' TERM
kill -TERM $PPID
while :; do /bin/sleep 0.05; done
`);
  await chmod(join(bin, 'sleep'), 0o755);
  await chmod(join(bin, 'node'), 0o755);
  const log = join(dir.path, 'gateway.log');
  const { code } = await sh('bash', [join(deploy, 'run-forever.sh')], {
    PATH: `${bin}:/usr/bin:/bin`, LOG: log, GATEWAY_HOME: '/opt/x', GATEWAY_CONFIG: '/etc/x.yaml',
    RESTART_MIN_WAIT_S: '5', RESTART_MAX_WAIT_S: '20',
  });
  t.is(code, 0);
  t.deepEqual((await readFile(join(dir.path, 'waits'), 'utf8')).trim().split('\n'), ['5', '10', '20', '20']);
  const text = await readFile(log, 'utf8');
  t.regex(text, /gateway run 1: --max-semi-space-size=1 --heap-growing-percent=25 \/opt\/x\/bin\/espnow-gateway\.js run --config \/etc\/x\.yaml/);
  t.is(text.match(/gateway exited with status 3; restarting/g)?.length, 4);
  t.regex(text, /gateway got SIGTERM[\s\S]*run-forever: stopped/);
});
