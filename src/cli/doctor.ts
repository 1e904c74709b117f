import { parseArgs } from 'node:util';
import { exitCode, formatReport, runDoctor, systemDoctorDeps, type DoctorDeps } from '../doctor/index.ts';

const USAGE = 'usage: espnow-gateway doctor --config FILE [--broker-wait S]\n';

/**
 * `doctor --config FILE [--broker-wait S]`: runs every check and prints the
 * checklist to `out`. Returns 0 when nothing failed, 1 when something did,
 * 2 on bad usage. `deps` is for tests; the real system by default.
 */
export async function doctor(argv: string[], out: NodeJS.WritableStream, deps: DoctorDeps = systemDoctorDeps()): Promise<number> {
  let file: string | undefined;
  let waitS: number | undefined;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { config: { type: 'string', short: 'c' }, 'broker-wait': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    });
    if (values.help) { out.write(USAGE); return 0; }
    file = values.config;
    if (values['broker-wait'] !== undefined) waitS = Number(values['broker-wait']);
  } catch (error) {
    out.write(`espnow-gateway doctor: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!file || (waitS !== undefined && !(waitS > 0))) {
    out.write(`espnow-gateway doctor: ${file ? '--broker-wait must be a positive number of seconds' : '--config FILE is required'}\n${USAGE}`);
    return 2;
  }
  const results = await runDoctor(file, { ...deps, brokerWindowMs: waitS === undefined ? deps.brokerWindowMs : waitS * 1000 });
  out.write(formatReport(results, file));
  return exitCode(results);
}
