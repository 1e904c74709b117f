/**
 * Runs the firmware in the real MicroPython interpreter (WebAssembly port):
 * loads one interpreter, writes the fakes to /sim and each device's files to
 * its own directory (as `mpremote cp` would put them on the flash), and
 * drives the simulated world of test/firmware/fakes/sim.py.
 *
 * One interpreter per test: the port keeps its JS proxies in globals, so two
 * interpreters cannot share a process; devices are separated by directory,
 * module reloading on every boot, and per-device fake hardware instead.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error the package ships no type declarations
import { loadMicroPython } from '@micropython/micropython-webassembly-pyscript';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const ROOT = join(here, '..', '..');
const FW = join(ROOT, 'micropython');

interface MicroPython {
  runPython(code: string): unknown;
  globals: { get(key: string): unknown };
  FS: {
    mkdirTree(path: string): void;
    writeFile(path: string, data: string | Uint8Array): void;
    readFile(path: string, opts: { encoding: 'utf8' }): string;
  };
}

/** The datasheet-example calibration set with its cases. */
export const BME_CASES = JSON.parse(
  readFileSync(join(ROOT, 'test/fixtures/sensors/bme280_cases_ds_example.json'), 'utf8'),
) as BmeCaseFile;
/** BH1750 reference cases. */
export const BH_CASES = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/sensors/bh1750_cases.json'), 'utf8')) as {
  cases: { id: string; raw: number; mtreg: number; mode_opcode: number; lux: number; lux_fraction: [number, number] }[];
};

/** The parts of the BME280 reference file the tests read. */
export interface BmeCaseFile {
  regs_88_A1: number[];
  regs_E1_E7: number[];
  coefficients: Record<string, number>;
  cases: {
    id: string;
    kind: 'random' | 'edge' | 'published';
    regs_F7_FE: number[];
    adc: { T: number; P: number; H: number };
    skipped: { T: boolean; P: boolean; H: boolean };
    datasheet: {
      int: { t_fine: number; T_centi_degC: number; P64_q24_8: number; H_q22_10: number };
      double: { T_degC: number; P_Pa: number; H_pct: number };
    };
    flags: string[];
  }[];
}

/** Replaces `NAME = ...` lines of a config.py (values are Python source). */
export function patchConfig(text: string, values: Record<string, string>): string {
  let out = text;
  for (const [name, value] of Object.entries(values)) {
    const re = new RegExp(`^${name} = .*$`, 'm');
    if (!re.test(out)) throw new Error(`config.py has no ${name} line`);
    out = out.replace(re, `${name} = ${value}`);
  }
  return out;
}

/** A loaded interpreter with the fakes and the simulated world. */
export class FirmwareRig {
  private constructor(private readonly mp: MicroPython, readonly output: string[]) {}

  /** Loads the interpreter and the fakes; `seed` fixes the air's randomness. */
  static async create(seed = 1): Promise<FirmwareRig> {
    const output: string[] = [];
    const mp = (await loadMicroPython({
      heapsize: 32 * 1024 * 1024,
      pystack: 64 * 1024,
      stdout: (line: string) => output.push(line),
      stderr: (line: string) => output.push(line),
    })) as MicroPython;
    const rig = new FirmwareRig(mp, output);
    rig.copyDir(join(here, 'fakes'), '/sim');
    rig.copyDir(join(FW, 'lib'), '/fw/lib');
    rig.py(`
import sys
sys.path[:] = ['/sim', '/fw/lib']
import sim, chips, rig
import time_fake, machine, espnow, network, esp32, dht, power_chips, socket_rig
sys.modules['time'] = time_fake
rig.new_world(${seed})
`);
    return rig;
  }

  private copyDir(from: string, to: string, replace: Record<string, string> = {}): void {
    this.mp.FS.mkdirTree(to);
    for (const name of readdirSync(from)) {
      if (!name.endsWith('.py')) continue;
      this.mp.FS.writeFile(`${to}/${name}`, replace[name] ?? readFileSync(join(from, name), 'utf8'));
    }
  }

  /** Writes a file into the interpreter's filesystem. */
  writeFile(path: string, text: string): void {
    this.mp.FS.mkdirTree(dirname(path));
    this.mp.FS.writeFile(path, text);
  }

  /** Reads a file from the interpreter's filesystem. */
  readFile(path: string): string {
    return this.mp.FS.readFile(path, { encoding: 'utf8' });
  }

  /** Runs Python statements in `__main__`. */
  py(code: string): void {
    this.mp.runPython(code);
  }

  /** Evaluates a Python expression that yields a JSON string, parsed. */
  json<T>(expr: string): T {
    return JSON.parse(this.str(expr)) as T;
  }

  /** Evaluates a Python expression to a string. */
  str(expr: string): string {
    this.mp.runPython(`_harness_value = str(${expr})`);
    return String(this.mp.globals.get('_harness_value'));
  }

  /**
   * A sensor node whose flash holds micropython/node/* and lib/* plus
   * `espnow.json` with `pairing`; `config` patches config.py lines.
   */
  addNode(name: string, mac: string, pairing: object | undefined, config: Record<string, string> = {}): void {
    const root = `/dev/${name}`;
    const cfg = patchConfig(readFileSync(join(FW, 'node', 'config.py'), 'utf8'), config);
    this.copyDir(join(FW, 'node'), root, { 'config.py': cfg });
    this.copyDir(join(FW, 'lib'), `${root}/lib`);
    if (pairing) this.writeFile(`${root}/espnow.json`, JSON.stringify(pairing));
    this.py(`rig.node(${q(name)}, ${q(mac)}, ${q(root)}, bytes(${JSON.stringify(BME_CASES.regs_88_A1)}), bytes(${JSON.stringify(BME_CASES.regs_E1_E7)}))`);
  }

  /** A broker with micropython/broker/* and lib/*, booted now; `config` patches config.py lines. */
  addBroker(name: string, mac: string, config: Record<string, string> = {}, baud = 115200): void {
    const root = `/dev/${name}`;
    const cfg = patchConfig(readFileSync(join(FW, 'broker', 'config.py'), 'utf8'), config);
    this.copyDir(join(FW, 'broker'), root, { 'config.py': cfg });
    this.copyDir(join(FW, 'lib'), `${root}/lib`);
    this.py(`rig.broker(${q(name)}, ${q(mac)}, ${q(root)}, ${baud})`);
  }

  /**
   * A broker as `addBroker`, with its CAN bridge turned on (`CAN` in config.py,
   * an MCP2515 on SCK 18 / CS 5 with an 8 MHz crystal) and its MCP2515 model on
   * the world's CAN bus (test/firmware/fakes/can_chips.py `shared_bus`);
   * with `chip` false no MCP2515 answers on its SPI bus.
   */
  addCanBroker(name: string, mac: string, config: Record<string, string> = {}, chip = true): void {
    const root = `/dev/${name}`;
    const can = '{"sck": 18, "mosi": 23, "miso": 19, "cs": 5, "osc_hz": 8000000}';
    const cfg = patchConfig(readFileSync(join(FW, 'broker', 'config.py'), 'utf8'), { CAN: can, ...config });
    this.copyDir(join(FW, 'broker'), root, { 'config.py': cfg });
    this.copyDir(join(FW, 'lib'), `${root}/lib`);
    this.py(`import can_chips, can_rig\ncan_rig.broker(${q(name)}, ${q(mac)}, ${q(root)}, can_chips.shared_bus(), 115200, ${chip ? 'True' : 'False'})`);
  }

  /**
   * A socket / PDU node whose flash holds micropython/socket/* and lib/*, its
   * `socket.json` (`wiring`) and `espnow.json` (`pairing`), with chip models
   * on the buses the wiring names. Not booted: see `bootSocket`.
   */
  addSocket(name: string, mac: string, wiring: SocketWiring, pairing: object | undefined, config: Record<string, string> = {}): void {
    const root = `/dev/${name}`;
    const cfg = patchConfig(readFileSync(join(FW, 'socket', 'config.py'), 'utf8'), config);
    this.copyDir(join(FW, 'socket'), root, { 'config.py': cfg });
    this.copyDir(join(FW, 'lib'), `${root}/lib`);
    this.writeFile(`${root}/socket.json`, JSON.stringify(wiring));
    if (pairing) this.writeFile(`${root}/espnow.json`, JSON.stringify(pairing));
    this.py(`socket_rig.add(${q(name)}, ${q(mac)}, ${q(root)}, __import__("json").loads(${q(JSON.stringify(wiring))}))`);
  }

  /** Powers a socket node on now: build (relays, HELLO, first REPORT), then its loop turns. */
  bootSocket(name: string): void {
    this.py(`socket_rig.boot(${q(name)})`);
  }

  /** Cuts a socket node's power now (RAM, uncommitted NVS and chip registers are lost). */
  powerCut(name: string): void {
    this.py(`socket_rig.cut(${q(name)})`);
  }

  /**
   * Channel `n`'s load: DC V and A (INA meters) or RMS V and A with the current
   * `phaseDeg` behind (mains). The current flows only while the relay is closed, unless `always`.
   */
  setLoad(name: string, n: number, volts: number, amps: number, phaseDeg = 0, always = false): void {
    this.py(`socket_rig.set_load(${q(name)}, ${n}, ${volts}, ${amps}, ${phaseDeg}, ${always ? 'True' : 'False'})`);
  }

  /** Relay levels, channel state, NVS figures of a socket node. */
  socketState(name: string): SocketState {
    return this.json<SocketState>(`socket_rig.state(${q(name)})`);
  }

  /** Sets the next BME280 burst (8 bytes from 0xF7). */
  setEnv(name: string, regs: number[]): void {
    this.py(`rig.W.devices[${q(name)}].bme.sample = bytes(${JSON.stringify(regs)})`);
  }

  /** Sets the BH1750's next count. */
  setLightRaw(name: string, raw: number): void {
    this.py(`rig.W.devices[${q(name)}].bh.raw = ${raw}`);
  }

  /** Sets the battery voltage behind the divider. */
  setBattery(name: string, volts: number): void {
    this.py(`rig.set_battery(${q(name)}, ${volts})`);
  }

  /** Resets a broker now: RAM (held commands, the nodes it heard) and radio gone, its UART kept. */
  rebootBroker(name: string): void {
    this.py(`rig.reboot(${q(name)})`);
  }

  /** Cold-boots a device now (or at `atMs`). */
  powerOn(name: string, atMs?: number): void {
    this.py(`rig.W.power_on(rig.W.devices[${q(name)}], 1, ${atMs ?? 'None'})`);
  }

  /** Advances the simulated world. */
  runFor(ms: number): void {
    this.py(`rig.W.run_for(${ms})`);
  }

  /** Simulated time, ms. */
  now(): number {
    return Number(this.str('rig.W.now'));
  }

  /** Writes gateway bytes to the broker's UART RX. */
  feed(name: string, text: string): void {
    this.py(`rig.feed(${q(name)}, ${q(text)})`);
  }

  /** Every byte the broker wrote to its UART, as text. */
  uartText(name: string): string {
    return this.str(`rig.uart_text(${q(name)})`);
  }

  /** Boots, sleeps, crash tracebacks, UART stalls of a device. */
  summary(name: string): DeviceSummary {
    return this.json<DeviceSummary>(`rig.summary(${q(name)})`);
  }

  /** Every frame put on the air: [t ms, sender, dest mac or '*', hex, copies delivered]. */
  frames(): [number, string, string, string, number][] {
    return this.json(`__import__('json').dumps(rig.frames())`);
  }
}

/** What `FirmwareRig.summary` reports. */
export interface DeviceSummary {
  boots: number;
  /** [at ms, sleep ms] per deep sleep. */
  sleeps: [number, number][];
  crashes: string[];
  channel: number;
  rtc: number;
  clock_set_to: number | null;
  stall_ms?: number;
  uart_bytes?: number;
  errors?: number;
}

/** socket.json: see micropython/socket/socket_config.py. */
export interface SocketWiring {
  i2c?: { scl: number; sda: number; freq?: number }[];
  expanders?: { bus: number; addr: number }[];
  dht?: { pin: number; type: 'dht11' | 'dht22' };
  /** `max_w`: W; the relay opens above it for two readings (trip 2). */
  channels: { relay: Record<string, number | boolean>; meter?: Record<string, number | string>; max_w?: number }[];
  interval_s?: number;
  report_step?: number;
  humidity_hysteresis?: number;
  /** "can": talk over CAN (the `can` settings) instead of ESP-NOW. */
  link?: 'espnow' | 'can';
  can?: { node: number; sck: number; mosi: number; miso: number; cs: number; osc_hz?: number; spi?: number };
}

/** What `FirmwareRig.socketState` reports. */
export interface SocketState {
  /** Per channel, what drives the relay coil: 1 on, 0 off, null floating. */
  relays: (number | null)[];
  nvs_commits: number;
  nvs_bytes: number;
  crashes: string[];
  boots: number;
  channels?: { on: boolean; trip: number; reading: [number, number, number] | null; wh: number; acc: number; saved_wh: number; limits: [number, number, number] }[];
  humidity?: number | null;
  store_writes?: number;
}

/** A Python string literal. */
export function q(text: string): string {
  return JSON.stringify(text);
}
