import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ROOT, schematicText } from './load-design.ts';

/** Runs scripts/kicad-erc.sh (real eeschema on a private Xvfb, driven by xdotool). */
function kicadErc(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', [`${ROOT}scripts/kicad-erc.sh`, ...args], { timeout: 100_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

// Serial: each run starts its own X server and eeschema; two at once only slow each other down.
test.serial("KiCad's own ERC passes the committed schematic with no errors or warnings", async (t) => {
  t.timeout(110_000);
  const dir = mkdtempSync(join(tmpdir(), 'kicad-erc-test-'));
  try {
    const report = join(dir, 'erc.rpt');
    const run = await kicadErc('--strict', '--report', report);
    t.is(run.code, 0, run.stderr);
    t.regex(run.stdout, /ERC messages: 0 {2}Errors 0 {2}Warnings 0/);
    t.regex(readFileSync(report, 'utf8'), /\*\* ERC messages: 0 {2}Errors 0 {2}Warnings 0/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.serial("KiCad's own ERC fails a schematic whose ground lost its PWR_FLAG", async (t) => {
  t.timeout(110_000);
  const dir = mkdtempSync(join(tmpdir(), 'kicad-erc-test-'));
  try {
    const project = join(dir, 'project');
    cpSync(`${ROOT}kicad`, project, { recursive: true, filter: (src) => !src.includes('/out') });
    const text = schematicText().replace(/\(symbol \(lib_id "sensor_node:PWR_FLAG"\) \(at 104.14 160.02 0\)[\s\S]*?\(pin "1" \(uuid [^)]*\)\)\)/, '');
    t.not(text, schematicText());
    writeFileSync(join(project, 'sensor-node.kicad_sch'), text);
    const run = await kicadErc('--project', project, '--report', join(dir, 'erc.rpt'));
    t.is(run.code, 1, run.stderr);
    t.regex(run.stdout, /Errors 1 {2}Warnings 0/);
    t.regex(run.stderr, /power_pin_not_driven[\s\S]*U1 \[LOLIN_D32\] Pin 17 \[GND, Power input/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
