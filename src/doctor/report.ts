import type { CheckResult } from './check-result.ts';

const MARK = { ok: '✓', failed: '✗', skipped: '-' } as const;

const indent = (text: string, prefix: string): string => text.split('\n').map((line) => `${prefix}${line}`).join('\n');

/** The checklist: one line per check, the detail under it, and the fix under every failure. */
export function formatReport(results: readonly CheckResult[], configFile: string): string {
  const lines = [`espnow-gateway doctor: ${configFile}`, ''];
  for (const r of results) {
    const mark = r.skipped ? MARK.skipped : r.ok ? MARK.ok : MARK.failed;
    lines.push(`${mark} ${r.name}`, indent(r.detail, '    '));
    if (r.fix && !r.ok) lines.push(indent(r.fix, '    fix: '));
  }
  const failed = results.filter((r) => !r.ok && !r.skipped).length;
  const skipped = results.filter((r) => r.skipped).length;
  const passed = results.filter((r) => r.ok).length;
  lines.push('', `${passed} passed, ${failed} failed, ${skipped} skipped`);
  return `${lines.join('\n')}\n`;
}

/** 1 when any check failed (skips do not count), else 0. */
export const exitCode = (results: readonly CheckResult[]): number => (results.some((r) => !r.ok && !r.skipped) ? 1 : 0);
