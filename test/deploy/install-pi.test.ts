import test from 'ava';
import { execFile } from 'node:child_process';
import { cp, lstat, mkdir, readFile, readdir, readlink, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '../helpers/temp-dir.ts';

/*
 * Runs scripts/install-pi.sh against a scratch root. Commands that would change
 * this machine (apt-get, useradd, systemctl, npm ...) are fakes first in PATH
 * (test/deploy/fakes/) that record their calls and imitate their effect on the
 * scratch root; file work (copies, modes, owners, config.txt) is real.
 */

const repo = fileURLToPath(new URL('../../', import.meta.url));
const fakes = fileURLToPath(new URL('./fakes/', import.meta.url));
const isRoot = process.getuid?.() === 0;

const OS_RELEASE = {
  bookworm: 'PRETTY_NAME="Raspbian GNU/Linux 12 (bookworm)"\nNAME="Raspbian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=raspbian\nID_LIKE=debian\n',
  bullseye: 'PRETTY_NAME="Debian GNU/Linux 11 (bullseye)"\nVERSION_ID="11"\nID=debian\n',
  fedora: 'PRETTY_NAME="Fedora Linux 40"\nVERSION_ID=40\nID=fedora\n',
};

const EXAMPLE_CONFIG = `serial:\n  path: /dev/serial/by-id/usb-Espressif_X-if00\ninflux:\n  url: http://127.0.0.1:8086\n  org: home\n  bucket: sensors\n  # tokenFile: /etc/espnow-gateway/influx-token\n  # token: "paste"\ndisplay:\n  panel: none                 # 2in13b_v4 | 2in13b_v3 | 2in13_v4 | none\n`;

interface Scratch {
  root: string;
  source: string;
  state: string;
  run(args: string[], env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }>;
  calls(): Promise<string[]>;
  remove(): Promise<void>;
}

/** A scratch root (Pi OS files), a source checkout (script, deploy/, example config) and fake state. */
async function scratch(osRelease = OS_RELEASE.bookworm): Promise<Scratch> {
  const dir = await makeTempDir('install');
  const root = join(dir.path, 'root');
  const source = join(dir.path, 'src');
  const state = join(dir.path, 'fake-state');
  await mkdir(join(root, 'etc'), { recursive: true });
  await mkdir(join(root, 'boot/firmware'), { recursive: true });
  await mkdir(state);
  await writeFile(join(root, 'etc/os-release'), osRelease);
  await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
  await writeFile(join(root, 'etc/group'), 'root:x:0:\ndialout:x:20:pi\n');
  await writeFile(join(root, 'boot/firmware/config.txt'), '[all]\n#dtparam=i2c_arm=on\n#dtparam=spi=on\ndtparam=audio=on\n');
  await mkdir(join(source, 'scripts'), { recursive: true });
  await mkdir(join(source, 'config'));
  await mkdir(join(source, 'bin'));
  await cp(join(repo, 'scripts/install-pi.sh'), join(source, 'scripts/install-pi.sh'));
  await cp(join(repo, 'deploy'), join(source, 'deploy'), { recursive: true });
  await writeFile(join(source, 'package.json'), '{"name":"espnow-gateway"}\n');
  await writeFile(join(source, 'bin/espnow-gateway.js'), '// launcher\n');
  await writeFile(join(source, 'config/gateway.example.yaml'), EXAMPLE_CONFIG);
  return {
    root,
    source,
    state,
    run: (args, env = {}) =>
      new Promise((resolve) => {
        execFile('bash', [join(source, 'scripts/install-pi.sh'), '--root', root, ...args], {
          env: { PATH: `${fakes}:/usr/bin:/bin:/usr/sbin:/sbin`, FAKE_STATE: state, HOME: dir.path, ...env },
          timeout: 60_000,
        }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
      }),
    calls: async () => (await readFile(join(state, 'calls.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean),
    remove: dir.remove,
  };
}

/** Every file under `dir` with its mode, owner and content (or link target): a snapshot to compare runs. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (path: string): Promise<void> => {
    for (const entry of await readdir(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      const info = await lstat(full);
      const meta = `${(info.mode & 0o7777).toString(8)} ${info.uid}:${info.gid}`;
      const key = relative(dir, full);
      if (entry.isSymbolicLink()) out[key] = `${meta} -> ${await readlink(full)}`;
      else if (entry.isDirectory()) { out[key] = `${meta} dir`; await walk(full); }
      else out[key] = `${meta} ${await readFile(full, 'utf8')}`;
    }
  };
  await walk(dir);
  return out;
}

test('--dry-run prints the whole plan and changes nothing', async (t) => {
  const s = await scratch();
  t.teardown(s.remove);
  const before = await snapshot(s.root);
  const { code, stdout } = await s.run(['--dry-run'], { INFLUX_TOKEN: 'secret-token-123' });
  t.is(code, 0, stdout);
  t.deepEqual(await snapshot(s.root), before, 'the scratch root is untouched');
  const r = s.root;
  for (const expected of [
    'Dry run: nothing is changed',
    'ok: Raspbian GNU/Linux 12 (bookworm)',
    'note: adding the NodeSource apt repository for Node.js 20',
    `would run: curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --dearmor -o ${r}/etc/apt/keyrings/nodesource.gpg`,
    `would write ${r}/etc/apt/sources.list.d/nodesource.list (mode 0644)`,
    'would run: apt-get install -y nodejs',
    `would run: sed -i -E s/^[[:space:]]*#[[:space:]]*dtparam=spi=on.*/dtparam=spi=on/ ${r}/boot/firmware/config.txt`,
    `would run: groupadd --system --root ${r} spi`,
    `would run: groupadd --system --root ${r} gpio`,
    `would run: useradd --system --user-group --home-dir /var/lib/espnow-gateway --no-create-home --shell /usr/sbin/nologin --groups dialout,spi,gpio --root ${r} espnow-gateway`,
    `would run: install -d -m 0750 -o 0 -g 0 ${r}/var/lib/espnow-gateway`,
    `would run: npm --prefix ${r}/opt/espnow-gateway ci --no-audit --no-fund`,
    `would run: npm --prefix ${r}/opt/espnow-gateway prune --omit=dev --no-audit --no-fund`,
    `would write ${r}/etc/espnow-gateway/gateway.yaml (mode 0640)`,
    `would write ${r}/etc/espnow-gateway/influx-token (mode 0640)`,
    `would write ${r}/etc/udev/rules.d/99-espnow-broker.rules (mode 0644)`,
    `would write ${r}/etc/systemd/system/espnow-gateway.service (mode 0644)`,
    'note: not granted: screen.png is still drawn, the panel stays blank',
    '--panel 2in13b_v4 (2in13b_v4, 2in13b_v3, 2in13_v4)',
    'note: systemd 252 < 254: fixed 15 s restart delay (no RestartSteps)',
    `would run: systemctl --root ${r} enable espnow-gateway.service`,
    'note: the config is the example: edit /etc/espnow-gateway/gateway.yaml',
  ]) {
    t.true(stdout.includes(expected), `plan lacks: ${expected}`);
  }
  t.false(stdout.includes('secret-token-123'), 'the token is never printed');
  t.false(/mem\.rules|panel-spi\.conf|setfacl|acl/.test(stdout), 'no /dev/mem grant without --panel');
  t.false((await s.calls()).some((c) => /^(apt-get|useradd|groupadd|npm|curl|gpg) /.test(c)), 'nothing was run');
});

test('refuses an OS older than bookworm, and a non-Debian one', async (t) => {
  for (const [os, message] of [[OS_RELEASE.bullseye, 'older than Debian 12'], [OS_RELEASE.fedora, 'is not Debian-based']] as const) {
    const s = await scratch(os);
    const { code, stderr } = await s.run(['--dry-run']);
    await s.remove();
    t.not(code, 0);
    t.true(stderr.includes(message), stderr);
  }
});

test('a real install into a scratch root, run twice, ends in the same state', async (t) => {
  if (!isRoot) return t.pass('needs root to chown files in the scratch root; skipped');
  const s = await scratch();
  t.teardown(s.remove);
  const tokenFile = join(s.state, 'token');
  await writeFile(tokenFile, 'tok-en_42==\n');

  const first = await s.run(['--token-file', tokenFile]);
  t.is(first.code, 0, first.stdout + first.stderr);
  const r = (p: string): string => join(s.root, p);

  t.regex(await readFile(r('etc/passwd'), 'utf8'), /^espnow-gateway:x:999:999::\/var\/lib\/espnow-gateway:\/usr\/sbin\/nologin$/m);
  t.regex(await readFile(r('etc/group'), 'utf8'), /^dialout:x:20:pi,espnow-gateway$/m);
  t.regex(await readFile(r('etc/group'), 'utf8'), /^spi:x:\d+:espnow-gateway$/m);
  const configTxt = await readFile(r('boot/firmware/config.txt'), 'utf8');
  t.is(configTxt.match(/^dtparam=spi=on$/gm)?.length, 1, configTxt);
  t.false(configTxt.includes('#dtparam=spi=on'), 'the commented line was enabled in place');

  const token = await stat(r('etc/espnow-gateway/influx-token'));
  t.is(token.mode & 0o777, 0o640);
  t.is(`${token.uid}:${token.gid}`, '0:999');
  t.is(await readFile(r('etc/espnow-gateway/influx-token'), 'utf8'), 'tok-en_42==\n');
  t.is(await readFile(r('etc/espnow-gateway/gateway.yaml'), 'utf8'), EXAMPLE_CONFIG
    .replace('/dev/serial/by-id/usb-Espressif_X-if00', '/dev/espnow-broker')
    .replace('# tokenFile:', 'tokenFile:'), 'the example, pointed at the udev name and the token file');
  const config = await stat(r('etc/espnow-gateway/gateway.yaml'));
  t.is(config.mode & 0o777, 0o640);
  t.is(config.gid, 999);
  const state = await stat(r('var/lib/espnow-gateway'));
  t.is(state.mode & 0o777, 0o750);
  t.is(`${state.uid}:${state.gid}`, '999:999');
  t.is(await readFile(r('etc/systemd/system/espnow-gateway.service'), 'utf8'), await readFile(join(repo, 'deploy/espnow-gateway.service'), 'utf8'));
  await t.throwsAsync(stat(r('etc/systemd/system/espnow-gateway.service.d/panel-spi.conf')), undefined, 'no --panel: no /dev/mem drop-in');
  await t.throwsAsync(stat(r('etc/systemd/system/espnow-gateway.service.d/restart-backoff.conf')), undefined, 'not on systemd 252');
  await t.throwsAsync(stat(r('etc/udev/rules.d/99-espnow-gateway-mem.rules')), undefined, 'no --panel: no /dev/mem ACL');
  t.true(first.stdout.includes('to grant it later: sudo '), first.stdout);
  t.is(await readlink(r('etc/systemd/system/multi-user.target.wants/espnow-gateway.service')), '/etc/systemd/system/espnow-gateway.service');
  t.truthy(await stat(r('opt/espnow-gateway/dist')));
  t.truthy(await stat(r('opt/espnow-gateway/bin/espnow-gateway.js')));

  const calls = await s.calls();
  t.true(calls.includes('apt-get install -y nodejs'), calls.join('\n'));
  t.true(calls.some((c) => c.startsWith('gpg --dearmor')));
  t.is(await readFile(r('etc/apt/sources.list.d/nodesource.list'), 'utf8'),
    'deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_20.x nodistro main\n');
  t.false(calls.some((c) => c.startsWith('udevadm') || c.includes('daemon-reload') || c.includes('restart')), '--root never touches the running system');

  const afterFirst = await snapshot(s.root);
  const callsBefore = calls.length;
  const second = await s.run(['--token-file', tokenFile]);
  t.is(second.code, 0, second.stdout + second.stderr);
  t.deepEqual(await snapshot(s.root), afterFirst, 'a second run changes nothing');
  const secondCalls = (await s.calls()).slice(callsBefore);
  t.deepEqual(secondCalls.filter((c) => /^(apt-get|useradd|groupadd|usermod|npm|curl|gpg) /.test(c)), [], secondCalls.join('\n'));
  t.true(second.stdout.includes('ok: kept the existing config'));
  t.true(second.stdout.includes('ok: token unchanged'));
  t.true(second.stdout.includes('ok: already installed from this source'));
});

test('installer grants /dev/mem from the example config: only --panel 2in13b_v4 installs the drop-in, a plain re-run keeps it', async (t) => {
  if (!isRoot) return t.pass('needs root; skipped');
  const s = await scratch();
  t.teardown(s.remove);
  const dropIn = join(s.root, 'etc/systemd/system/espnow-gateway.service.d/panel-spi.conf');
  const memRule = join(s.root, 'etc/udev/rules.d/99-espnow-gateway-mem.rules');
  // Even a config that names a panel gets no raw memory access without being asked.
  await writeFile(join(s.source, 'config/gateway.example.yaml'), EXAMPLE_CONFIG.replace('panel: none', 'panel: 2in13b_v4'));
  const plain = await s.run([]);
  t.is(plain.code, 0, plain.stdout + plain.stderr);
  await t.throwsAsync(stat(dropIn));
  await t.throwsAsync(stat(memRule));
  t.true(plain.stdout.includes('note: not granted, although the config names display.panel: 2in13b_v4'), plain.stdout);
  t.true(plain.stdout.includes('to grant it later: sudo '), plain.stdout);
  const first = await s.run(['--panel', '2in13b_v4']);
  t.is(first.code, 0, first.stdout + first.stderr);
  t.is(await readFile(dropIn, 'utf8'), await readFile(join(repo, 'deploy/panel-spi.conf'), 'utf8'));
  t.truthy(await stat(memRule));
  const again = await s.run([]);
  t.is(again.code, 0, again.stdout + again.stderr);
  t.true(again.stdout.includes('ok: granted by an earlier run; kept (--panel none removes it)'), again.stdout);
  t.truthy(await stat(dropIn));
  t.not((await s.run(['--panel', 'yes-please'])).code, 0, 'an unknown panel is refused');
});

test('installer asks on a terminal before granting /dev/mem: y and a panel name grant it, Enter does not', async (t) => {
  if (!isRoot) return t.pass('needs root; skipped');
  for (const [answers, granted] of [['y\n2in13_v4\n', true], ['\n', false]] as const) {
    const s = await scratch();
    // `script` gives the installer a terminal on standard input, fed from ours.
    const out = await new Promise<string>((resolve) => {
      const child = execFile('script', ['-qec', `bash ${join(s.source, 'scripts/install-pi.sh')} --root ${s.root}`, '/dev/null'], {
        env: { PATH: `${fakes}:/usr/bin:/bin:/usr/sbin:/sbin`, FAKE_STATE: s.state, HOME: s.state, INFLUX_TOKEN: 'x' },
        timeout: 60_000,
      }, (_err, stdout) => resolve(stdout));
      child.stdin!.end(answers);
    });
    const dropIn = await stat(join(s.root, 'etc/systemd/system/espnow-gateway.service.d/panel-spi.conf')).then(() => true, () => false);
    const config = await readFile(join(s.root, 'etc/espnow-gateway/gateway.yaml'), 'utf8');
    await s.remove();
    t.true(out.includes('[y/N]'), out);
    t.is(dropIn, granted, out);
    t.is(/^ {2}panel: 2in13_v4 /m.test(config), granted, config);
  }
});

test('--panel none removes the /dev/mem grant a previous run installed; --broker-serial pins the udev rule', async (t) => {
  if (!isRoot) return t.pass('needs root; skipped');
  const s = await scratch();
  t.teardown(s.remove);
  t.is((await s.run(['--panel', '2in13b_v4'])).code, 0);
  t.regex(await readFile(join(s.root, 'etc/espnow-gateway/gateway.yaml'), 'utf8'), /^ {2}panel: 2in13b_v4 +# /m, 'the new config names the panel');
  const rerun = await s.run(['--panel', 'none', '--broker-serial', '0001A2B3']);
  t.is(rerun.code, 0, rerun.stdout + rerun.stderr);
  await t.throwsAsync(stat(join(s.root, 'etc/systemd/system/espnow-gateway.service.d/panel-spi.conf')));
  await t.throwsAsync(stat(join(s.root, 'etc/udev/rules.d/99-espnow-gateway-mem.rules')));
  const rules = await readFile(join(s.root, 'etc/udev/rules.d/99-espnow-broker.rules'), 'utf8');
  const lines = rules.split('\n').filter((l) => l.startsWith('SUBSYSTEM'));
  t.is(lines.length, 3);
  for (const line of lines) t.true(line.includes('ATTRS{serial}=="0001A2B3"'), line);
});

test('uninstall-pi.sh removes the unit, rules and program, keeps config and spool unless --purge', async (t) => {
  if (!isRoot) return t.pass('needs root; skipped');
  const s = await scratch();
  t.teardown(s.remove);
  t.is((await s.run([])).code, 0);
  await cp(join(repo, 'scripts/uninstall-pi.sh'), join(s.source, 'scripts/uninstall-pi.sh'));
  const uninstall = (args: string[]) => new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile('bash', [join(s.source, 'scripts/uninstall-pi.sh'), '--root', s.root, ...args],
      { env: { PATH: `${fakes}:/usr/bin:/bin`, FAKE_STATE: s.state } },
      (err, stdout) => resolve({ code: err ? 1 : 0, stdout }));
  });
  const before = await snapshot(s.root);
  t.is((await uninstall(['--dry-run'])).code, 0);
  t.deepEqual(await snapshot(s.root), before, 'dry run changes nothing');
  t.is((await uninstall([])).code, 0);
  const after = Object.keys(await snapshot(s.root));
  t.false(after.some((p) => p.startsWith('opt/espnow-gateway') || p.includes('espnow-gateway.service') || p.includes('99-espnow')), after.join('\n'));
  t.true(after.includes('etc/espnow-gateway/gateway.yaml'));
  t.true(after.includes('var/lib/espnow-gateway'));
  t.is((await uninstall(['--purge'])).code, 0);
  const purged = Object.keys(await snapshot(s.root));
  t.false(purged.some((p) => p.startsWith('etc/espnow-gateway') || p.startsWith('var/lib/espnow-gateway')));
  t.true((await s.calls()).includes(`userdel --root ${s.root} espnow-gateway`));
});
