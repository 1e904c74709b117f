import test from 'ava';
import { EnergyToday, ledMask, localDay, type ButtonBinding } from '../../../src/control/panel-bindings/index.ts';

const A = 'a2b2c2d2e2a1';
const B = 'a2b2c2d2e2a2';
const buttons: ButtonBinding[] = [
  { button: 1, node: A, channel: 1 }, { button: 2, node: A, channel: 2 }, { button: 3, node: B, channel: 0 }, { button: 16, node: B, channel: 7 },
];

const masks: Array<[string, Record<string, boolean | undefined>, number]> = [
  ['all off', { [`${A}/1`]: false, [`${A}/2`]: false, [`${B}/0`]: false, [`${B}/7`]: false }, 0],
  ['button 1 on lights bit 1', { [`${A}/1`]: true }, 0b10],
  ['buttons 1 and 3 on', { [`${A}/1`]: true, [`${A}/2`]: false, [`${B}/0`]: true }, 0b1010],
  ['button 16 on lights bit 16', { [`${B}/7`]: true }, 1 << 16],
  ['unknown relays stay dark', {}, 0],
  ['every bound relay on', { [`${A}/1`]: true, [`${A}/2`]: true, [`${B}/0`]: true, [`${B}/7`]: true }, 0b1_0000_0000_0000_1110],
];
for (const [name, relays, mask] of masks) {
  test(`ledMask: ${name}`, (t) => {
    t.is(ledMask(buttons, (node, channel) => relays[`${node}/${channel}`]), mask);
  });
}

test('EnergyToday: counts from the first reading of the day, starts over at the next day and when the counter goes back', (t) => {
  const day = (ms: number): string => String(Math.floor(ms / 1000)); // a "day" of 1 s keeps the table readable
  const e = new EnergyToday(day);
  t.is(e.wh('k', 0), undefined);
  e.observe('k', 100, 1000);
  t.is(e.wh('k', 200), 0);
  e.observe('k', 500, 1250);
  t.is(e.wh('k', 900), 250);
  t.is(e.wh('k', 1100), undefined, 'a new day without a reading yet');
  e.observe('k', 1100, 1300);
  e.observe('k', 1200, 1400);
  t.is(e.wh('k', 1300), 100);
  e.observe('k', 1400, 20);
  t.is(e.wh('k', 1500), 0, 'a replaced node: its counter starts over');
  t.is(e.wh('other', 1500), undefined);
});

test('localDay: the calendar day in the process time zone', (t) => {
  const noon = new Date(2026, 11, 2, 12, 0, 0).getTime();
  t.is(localDay(noon), '2026-12-02');
  t.is(localDay(new Date(2026, 11, 2, 23, 59, 59).getTime()), '2026-12-02');
  t.is(localDay(new Date(2026, 11, 3, 0, 0, 0).getTime()), '2026-12-03');
});
