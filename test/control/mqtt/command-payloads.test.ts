import test from 'ava';
import { parseCommandPayload } from '../../../src/control/mqtt/command-payloads.ts';
import type { CommandRequest } from '../../../src/commands/types.ts';

const relay = { type: 'relay', mac: 'a2b2c2d2e2f2', channel: 2 } as const;
const interval = { type: 'interval', mac: 'a2b2c2d2e2f2' } as const;

const good: Array<[string, typeof relay | typeof interval, string, CommandRequest]> = [
  ['ON', relay, 'ON', { type: 'relay', channel: 2, state: 'on' }],
  ['OFF', relay, 'OFF', { type: 'relay', channel: 2, state: 'off' }],
  ['TOGGLE', relay, 'TOGGLE', { type: 'relay', channel: 2, state: 'toggle' }],
  ['lower case and spaces', relay, ' on\n', { type: 'relay', channel: 2, state: 'on' }],
  ['300 s', interval, '300', { type: 'interval', intervalS: 300 }],
  ['300.0 as Home Assistant sends a number', interval, '300.0', { type: 'interval', intervalS: 300 }],
  ['1 s', interval, '1', { type: 'interval', intervalS: 1 }],
  ['65535 s', interval, '65535', { type: 'interval', intervalS: 65535 }],
];
for (const [name, target, payload, request] of good) {
  test(`command payload: ${name}`, (t) => t.deepEqual(parseCommandPayload(target, payload), { ok: true, request }));
}

const bad: Array<[string, typeof relay | typeof interval, string, RegExp]> = [
  ['relay 1 is not ON', relay, '1', /"1" is not ON, OFF or TOGGLE/],
  ['relay JSON', relay, '{"state":"ON"}', /not ON, OFF or TOGGLE/],
  ['empty relay', relay, '', /"" is not ON/],
  ['interval 0', interval, '0', /1\.\.65535/],
  ['interval 65536', interval, '65536', /1\.\.65535/],
  ['interval negative', interval, '-5', /1\.\.65535/],
  ['interval fraction', interval, '2.5', /whole seconds/],
  ['interval words', interval, 'five minutes', /"five minutes"/],
  ['a long payload is clipped', relay, 'x'.repeat(100), /x{40}\.\.\."/],
];
for (const [name, target, payload, reason] of bad) {
  test(`command payload refused: ${name}`, (t) => {
    const parsed = parseCommandPayload(target, payload);
    t.false(parsed.ok);
    if (!parsed.ok) t.regex(parsed.reason, reason);
  });
}
