import { encodeLine } from '../protocol/index.ts';

/** What an ESP32 prints on its UART when it boots MicroPython, before the broker's first frame. */
export const BROKER_BANNER: readonly string[] = [
  'ets Jun  8 2016 00:22:57',
  'rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)',
  'MicroPython v1.27.0 on 2026-01-01; Generic ESP32 module with ESP32',
  'Type "help()" for more information.',
];

/**
 * One piece of console noise a real broker's UART carries besides frames: a
 * traceback, a heartbeat with a bad CRC, or a dozen bytes of garbage (no CR/LF).
 */
export function consoleNoise(random: () => number): string {
  const kind = Math.floor(random() * 3);
  if (kind === 0) return 'Traceback (most recent call last):\r\n  File "main.py", line 42, in <module>\r\nOSError: [Errno 116] ETIMEDOUT';
  if (kind === 1) {
    const good = encodeLine('HB', ['1', '2', '0', '0', '0', '0']);
    return `${good.slice(0, -8)}deadbeef`;
  }
  const bytes = Array.from({ length: 12 }, () => String.fromCharCode(1 + Math.floor(random() * 250)));
  return bytes.join('').replace(/[\r\n]/g, '?');
}
