import { mkdirSync, createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config/index.ts';
import { MockBinding, type MockPort } from '../demo/mock-serial.ts';
import { DEMO_NODES, DEMO_STRIPS, seededRandom } from '../demo/demo-nodes.ts';
import { MockBrokerLink } from '../demo/mock-broker-link.ts';
import { SimulatedBroker } from '../demo/simulated-broker.ts';
import { formatSummary } from '../demo/summary.ts';
import { demoApi, demoControlToken } from '../demo/demo-api.ts';
import { createLogger } from '../log.ts';
import { Gateway } from '../main.ts';
import { packagePath } from '../package-root.ts';
import { openPort, type PortStream } from '../serial/open-port.ts';

const USAGE = `usage: espnow-gateway demo [--duration S] [--data-dir DIR] [--config FILE] [--listen HOST:PORT]
  Runs the whole gateway with a simulated broker, six simulated sensor nodes
  and a power strip with 8 switchable outlets.
  Points go to line-protocol files, the e-ink picture to a PNG, logs to a file;
  a summary is printed every few seconds. The web page and API listen on
  127.0.0.1:8080 (--listen to change it). Ctrl-C stops it.
`;


/** `demo`: the gateway end to end with no hardware. Exit code 0 after Ctrl-C or `--duration`. */
export async function demoCommand(argv: string[]): Promise<number> {
  let values: { duration?: string; 'data-dir'?: string; config?: string; listen?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { duration: { type: 'string' }, 'data-dir': { type: 'string' }, config: { type: 'string' }, listen: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`demo: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const durationS = values.duration === undefined ? Infinity : Number(values.duration);
  if (!(durationS > 0)) {
    process.stderr.write(`demo: --duration ${values.duration}: not a positive number of seconds\n`);
    return 2;
  }
  const loaded = await loadConfig(values.config ?? packagePath('config', 'demo.yaml'));
  const dataDir = resolve(values['data-dir'] ?? loaded.dataDir);
  let api;
  try {
    api = demoApi({ ...loaded, ...(loaded.api ? { api: { ...loaded.api, tokensFile: join(dataDir, 'api-tokens.json') } } : {}) }, values.listen);
  } catch (error) {
    process.stderr.write(`demo: ${(error as Error).message}\n`);
    return 2;
  }
  const config: Config = { ...loaded, dataDir, ...(api ? { api } : {}) };
  mkdirSync(config.dataDir, { recursive: true });
  const logFile = join(config.dataDir, 'gateway.log');
  const log = createLogger({ level: config.log.level, destination: createWriteStream(logFile, { flags: 'a' }) });

  const broker = new SimulatedBroker({ nodes: DEMO_NODES, strips: DEMO_STRIPS, random: seededRandom(2026) });
  let stream: PortStream | undefined;
  MockBinding.reset();
  MockBinding.createPort(config.serial.path, { echo: false, record: true });
  const gateway = new Gateway({
    config,
    log,
    binding: MockBinding,
    watchDevice: false,
    openPort: async (options) => (stream = await openPort(options)),
  });
  await gateway.start();

  const out = process.stdout;
  out.write(`espnow-gateway demo: simulated broker on "${config.serial.path}", ${DEMO_NODES.length} sensor nodes, a power strip with ${DEMO_STRIPS[0].outlets.length} outlets\n`);
  out.write(`  points  -> ${join(config.dataDir, 'lines')}/*.lp (line protocol)\n`);
  out.write(`  screen  -> ${join(config.dataDir, 'screen.png')}\n`);
  out.write(`  logs    -> ${logFile}\n`);
  if (config.api) {
    out.write(`  page    -> http://${config.api.host}:${config.api.port}/  (API and live page)\n`);
    out.write(`  control token for the switches (asked once by the page): ${await demoControlToken(config.api)}\n`);
  }
  const started = Date.now();
  const link = new MockBrokerLink({ broker, port: () => stream?.port as MockPort | undefined });
  const tick = setInterval(() => link.step((Date.now() - started) / 1000), 200);
  const summary = setInterval(() => out.write(formatSummary(gateway, Date.now(), out.isTTY === true)), 3000);

  await new Promise<void>((done) => {
    const timer = Number.isFinite(durationS) ? setTimeout(done, durationS * 1000) : undefined;
    const stop = (): void => {
      clearTimeout(timer);
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  clearInterval(tick);
  clearInterval(summary);
  await gateway.refreshDisplay();
  await gateway.stop();
  out.write(formatSummary(gateway, Date.now(), false));
  out.write(`demo stopped; the picture is ${join(config.dataDir, 'screen.png')}, the points are under ${join(config.dataDir, 'lines')}\n`);
  return 0;
}
