import type { CheckResult } from './check-result.ts';

const MARK = { ok: '✓', failed: '✗', skipped: '-', warning: '!' } as const;

const indent = (text: string, prefix: string): string => text.split('\n').map((line) => `${prefix}${line}`).join('\n');

/** The checklist: one line per check, the detail under it, and the fix under every failure. */
export function formatReport(results: readonly CheckResult[], configFile: string): string {
  const lines = [`espnow-gateway doctor: ${configFile}`, ''];
  for (const r of results) {
    const mark = r.skipped ? MARK.skipped : r.warning ? MARK.warning : r.ok ? MARK.ok : MARK.failed;
    lines.push(`${mark} ${r.name}`, indent(r.detail, '    '));
    if (r.fix && (!r.ok || r.warning)) lines.push(indent(r.fix, '    fix: '));
  }
  const failed = results.filter((r) => !r.ok && !r.skipped).length;
  const skipped = results.filter((r) => r.skipped).length;
  const passed = results.filter((r) => r.ok).length;
  const warned = results.filter((r) => r.warning).length;
  lines.push('', `${passed} passed${warned > 0 ? ` (${warned} with a warning)` : ''}, ${failed} failed, ${skipped} skipped`);
  return `${lines.join('\n')}\n`;
}

/** 1 when any check failed (skips do not count), else 0. */
export const exitCode = (results: readonly CheckResult[]): number => (results.some((r) => !r.ok && !r.skipped) ? 1 : 0);
