import test, { type ExecutionContext } from 'ava';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnGateway, writeConfig } from '../helpers/gateway-process.ts';
import { startPtyPair } from '../helpers/pty-pair.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { startVictoria } from '../helpers/victoria.ts';
import { sleep } from '../helpers/wait-for.ts';

/** The real CLI spawned on a socat pty and a real VictoriaMetrics, all stopped by the test's teardown. */
async function spawnOnRig(t: ExecutionContext, name: string, influx: Record<string, unknown> = {}) {
  const dir = await makeTempDir(name);
  const pty = await startPtyPair();
  const vm = await startVictoria();
  t.teardown(async () => { await pty.stop(); await vm.stop(); await dir.remove(); });
  const config = await writeConfig(dir.path, {
    dataDir: join(dir.path, 'data'),
    serial: { path: pty.gatewayPath, baudRate: 921600 },
    influx: { url: vm.url, org: 'home', bucket: 'sensors', token: 'secret', ...influx },
    clock: { requireSync: false },
  });
  const gw = spawnGateway(['run', '--config', config]);
  t.teardown(() => gw.stop('SIGKILL'));
  return { gw, pty, dataDir: join(dir.path, 'data') };
}

/*
 * systemd's `stop` (and a shell's Ctrl-C) returns when the process is gone,
 * not when it logs 'gateway stopped': nothing may hold the process after that
 * line (a timer, a closing serial port, a log flush, the display's child, an
 * HTTP keep-alive socket). The real CLI on a socat pty and VictoriaMetrics,
 * stopped once while idle and once in the middle of the first screen drawing.
 */
const BOUND_MS = 1000;

for (const when of ['idle', 'while the screen is being drawn'] as const) {
  test.serial(`exit after 'gateway stopped': the process is gone within ${BOUND_MS} ms of the line (SIGTERM ${when})`, async (t) => {
    t.timeout(60_000);
    const { gw, pty } = await spawnOnRig(t, 'exit', { flushIntervalMs: 100 });
    let stoppedAt = 0;
    gw.child.stdout!.on('data', (chunk: string) => {
      if (!stoppedAt && chunk.includes('"msg":"gateway stopped"')) stoppedAt = Date.now();
    });
    await gw.waitForLog((l) => l.msg === 'gateway started', 20_000, 'started');
    if (when === 'idle') {
      await gw.waitForLog((l) => String(l.msg).startsWith('broker serial port'), 10_000, 'port open');
      await pty.write('HB,1,1,0,0,0,0*00000000\n');
      await sleep(500);
    }
    const signalledAt = Date.now();
    const code = await gw.stop('SIGTERM');
    const exitedAt = Date.now();
    t.is(code, 0, gw.stderr() + gw.logs.filter((l) => Number(l.level) >= 40 || /stop/.test(String(l.msg))).map((l) => JSON.stringify(l)).join('\n'));
    t.true(stoppedAt > 0, 'the line was logged');
    const afterLine = exitedAt - stoppedAt;
    t.log(`SIGTERM -> 'gateway stopped' ${stoppedAt - signalledAt} ms, -> exit ${afterLine} ms`);
    t.true(afterLine < BOUND_MS, `exited ${afterLine} ms after 'gateway stopped'`);
  });
}

/*
 * systemd may stop a unit it has just started. A SIGTERM that arrives while the
 * services are still starting (here: as soon as the spool has opened) must not
 * kill the process with the signal's default action: the gateway finishes
 * starting, then stops as on any SIGTERM (sink flush, lock released, exit 0).
 */
test.serial('SIGTERM while the services are still starting: the gateway stops cleanly once started (exit 0, not killed by the signal)', async (t) => {
  t.timeout(60_000);
  const { gw, dataDir } = await spawnOnRig(t, 'exit-early');
  await gw.waitForLog((l) => l.msg === 'spool open', 20_000, 'the spool opened');
  const started = gw.logs.some((l) => l.msg === 'gateway started');
  const code = await gw.stop('SIGTERM');
  t.log(`SIGTERM sent ${started ? 'after' : 'before'} 'gateway started'`);
  t.is(code, 0, gw.stderr());
  t.true(gw.logs.some((l) => l.msg === 'gateway stopped'), 'stopped as on any SIGTERM');
  t.false(existsSync(join(dataDir, 'gateway.lock')), 'the dataDir lock is released');
});
