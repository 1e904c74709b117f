import test from 'ava';
import { crc32 } from 'node:zlib';
import { checkRequest, commandTxLine, describeAction, encodeCommand, replaces } from '../../src/commands/command-action.ts';
import { CommandRefusedError } from '../../src/commands/command-refused-error.ts';
import type { CommandAction, CommandRequest } from '../../src/commands/types.ts';
import { decodeMessage, interpret } from '../../src/protocol/index.ts';

const hex = (s: string): string => s.replace(/\s+/g, '');

test('the worked example of protocol section 4: id 7, channel 2 on for 600 s, byte for byte', (t) => {
  const payload = hex('01 81 00 00 07 00  51 02 07 00  0f 01 02  14 01 01  57 02 58 02');
  const action: CommandAction = { type: 'relay', channel: 2, state: 'on', autoOffS: 600 };
  t.is(encodeCommand(7, action).toString('hex'), payload);
  const body = `TX,7,a2b2c2d2e2f2,${payload}`;
  t.is(commandTxLine(7, 'a2b2c2d2e2f2', action), `${body}*${crc32(body).toString(16).padStart(8, '0')}`);
});

const encodings: Array<[string, number, CommandAction, string]> = [
  ['relay off, no auto-off', 300, { type: 'relay', channel: 0, state: 'off' }, '0181 0000 2c01  5102 2c01  0f01 00  1401 00'],
  ['relay on, auto-off 0 (stays on)', 1, { type: 'relay', channel: 15, state: 'on', autoOffS: 0 }, '0181 0000 0100  5102 0100  0f01 0f  1401 01  5702 0000'],
  ['limits: all three, A and %RH scaled to mA and 0.01 %RH', 2, { type: 'limits', channel: 3, powerOnState: 'as-was', currentLimitA: 10.5, humidityLimitPct: 80.25 },
    '0181 0000 0200  5102 0200  0f01 03  5401 02  5504 042900 00  5602 591f'],
  ['limits: power-on state only', 3, { type: 'limits', channel: 1, powerOnState: 'on' }, '0181 0000 0300  5102 0300  0f01 01  5401 01'],
  ['interval 300 s', 65535, { type: 'interval', intervalS: 300 }, '0181 0000 ffff  5102 ffff  5302 2c01'],
  ['text with a newline', 9, { type: 'text', text: 'Hi\nyou' }, '0181 0000 0900  5102 0900  5806 48690a796f75'],
  ['empty text clears the LCD', 10, { type: 'text', text: '' }, '0181 0000 0a00  5102 0a00  5800'],
  ['leds', 11, { type: 'leds', mask: 0x8005 }, '0181 0000 0b00  5102 0b00  5904 05800000'],
];

for (const [name, id, action, expected] of encodings) {
  test(`COMMAND encoding: ${name}`, (t) => {
    const bytes = encodeCommand(id, action);
    t.is(bytes.toString('hex'), hex(expected));
    const view = interpret(decodeMessage(bytes));
    t.is(view.kind, 'COMMAND');
    t.is(view.values.commandId, id);
  });
}

const refused: Array<[string, CommandRequest, RegExp]> = [
  ['channel 256', { type: 'relay', channel: 256, state: 'on' }, /^channel 256: not an integer in 0\.\.255$/],
  ['channel 1.5', { type: 'limits', channel: 1.5, powerOnState: 'on' }, /^channel 1\.5/],
  ['state maybe', { type: 'relay', channel: 0, state: 'maybe' as 'on' }, /^state "maybe": not on, off or toggle/],
  ['auto-off with off', { type: 'relay', channel: 0, state: 'off', autoOffS: 10 }, /^autoOffS 10: not allowed with state off/],
  ['auto-off 65536', { type: 'relay', channel: 0, state: 'on', autoOffS: 65536 }, /^autoOffS 65536/],
  ['limits with nothing to set', { type: 'limits', channel: 2 }, /^limits of channel 2: give at least one of/],
  ['humidity 101 %', { type: 'limits', channel: 0, humidityLimitPct: 101 }, /^humidityLimitPct 101: not a number of %RH in 0\.\.100/],
  ['negative current', { type: 'limits', channel: 0, currentLimitA: -1 }, /^currentLimitA -1/],
  ['power-on sometimes', { type: 'limits', channel: 0, powerOnState: 'sometimes' as 'on' }, /^powerOnState "sometimes"/],
  ['interval 0', { type: 'interval', intervalS: 0 }, /^intervalS 0: not an integer in 1\.\.65535/],
  ['text of 81 bytes', { type: 'text', text: 'é'.repeat(40) + 'x' }, /at most 80 bytes of UTF-8/],
  ['leds over u32', { type: 'leds', mask: 2 ** 32 }, /^mask 4294967296/],
  ['unknown type', { type: 'dance' } as unknown as CommandRequest, /^type "dance": not relay, limits, interval, text or leds/],
];

for (const [name, request, message] of refused) {
  test(`a request is refused BAD_REQUEST (400) naming the field: ${name}`, (t) => {
    const err = t.throws(() => checkRequest(request), { instanceOf: CommandRefusedError, message });
    t.is(err?.code, 'BAD_REQUEST');
    t.is(err?.httpStatus, 400);
  });
}

test('80 bytes of UTF-8 text are accepted', (t) => {
  t.notThrows(() => checkRequest({ type: 'text', text: 'é'.repeat(40) }));
});

test('describeAction names the action as the command point stores it', (t) => {
  t.deepEqual(
    ([
      { type: 'relay', channel: 1, state: 'on' }, { type: 'relay', channel: 1, state: 'off' }, { type: 'limits', channel: 1, powerOnState: 'on' },
      { type: 'interval', intervalS: 300 }, { type: 'text', text: 'x' }, { type: 'leds', mask: 5 },
    ] as CommandAction[]).map(describeAction),
    ['relay on', 'relay off', 'limits', 'interval 300', 'text', 'leds 0x5'],
  );
});

const replacing: Array<[string, CommandAction, CommandAction, boolean]> = [
  ['relay on replaces relay off on the same channel', { type: 'relay', channel: 1, state: 'on' }, { type: 'relay', channel: 1, state: 'off' }, true],
  ['not on another channel', { type: 'relay', channel: 2, state: 'on' }, { type: 'relay', channel: 1, state: 'off' }, false],
  ['not another type on the same channel', { type: 'limits', channel: 1, powerOnState: 'on' }, { type: 'relay', channel: 1, state: 'off' }, false],
  ['interval replaces interval', { type: 'interval', intervalS: 60 }, { type: 'interval', intervalS: 300 }, true],
  ['limits covering every setting of the older', { type: 'limits', channel: 0, powerOnState: 'on', currentLimitA: 5 }, { type: 'limits', channel: 0, currentLimitA: 3 }, true],
  ['limits leaving a setting of the older out', { type: 'limits', channel: 0, powerOnState: 'on' }, { type: 'limits', channel: 0, currentLimitA: 3 }, false],
];

for (const [name, newer, older, expected] of replacing) {
  test(`replaces: ${name}`, (t) => t.is(replaces(newer, older), expected));
}
