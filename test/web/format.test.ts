import test from 'ava';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { REPO } from '../helpers/gateway-process.ts';

/** The page's pure helpers (web/format.js, plain JavaScript the browser loads as is). */
interface SwitchView { state: string; pending: boolean; label: string; error?: string }
interface Format {
  macKey(mac: string): string;
  fmt(value: number | null | undefined, digits: number, unit?: string): string;
  groupByRoom<N extends { room: string }>(nodes: N[]): { room: string; nodes: N[] }[];
  roomReadings(nodes: unknown[]): Record<string, number | undefined>;
  firstValue(points: [number, number | null][]): number | undefined;
  energyToday(nowWh: number | undefined, firstTodayWh: number | null | undefined): number | undefined;
  ago(thenMs: number, nowMs: number): string;
  switchView(channel: object, mine: object | undefined): SwitchView;
  healthBadges(node: object): string[];
  startOfDay(nowMs: number): number;
}
const f = (await import(pathToFileURL(join(REPO, 'web', 'format.js')).href)) as Format;

const macs: [string, string][] = [['aa:bb:cc:dd:ee:ff', 'aabbccddeeff'], ['AA-BB-CC-DD-EE-FF', 'aabbccddeeff'], ['a2b2c2d2e2f2', 'a2b2c2d2e2f2']];
for (const [input, want] of macs) test(`macKey(${input})`, (t) => t.is(f.macKey(input), want));

const numbers: [number | null | undefined, number, string, string][] = [
  [21.456, 1, '°C', '21.5\u202f°C'], [0, 0, 'W', '0\u202fW'], [undefined, 1, 'V', '–'], [null, 1, 'V', '–'], [Number.NaN, 1, '', '–'], [3.2, 2, '', '3.20'],
];
for (const [value, digits, unit, want] of numbers) test(`fmt(${value}, ${digits}, '${unit}') is ${want}`, (t) => t.is(f.fmt(value, digits, unit), want));

test('groupByRoom puts named rooms in alphabetical order and unknown last, nodes in the order given', (t) => {
  const nodes = [{ room: 'unknown', id: 1 }, { room: 'office', id: 2 }, { room: 'bedroom', id: 3 }, { room: 'office', id: 4 }];
  t.deepEqual(f.groupByRoom(nodes).map((r) => [r.room, r.nodes.map((n) => n.id)]), [['bedroom', [3]], ['office', [2, 4]], ['unknown', [1]]]);
});

test('roomReadings prefers a node that is not silent, and falls back to a silent one', (t) => {
  const silent = { latest: { temperature: 10, humidity: 90 }, health: { silent: true } };
  const live = { latest: { temperature: 21 }, health: { silent: false } };
  t.deepEqual(f.roomReadings([silent, live]), { temperature: 21, humidity: 90, pressure: undefined, illuminance: undefined });
});

const energy: [number | undefined, number | null | undefined, number | undefined][] = [
  [1500, 1200, 300], [1200, 1200, 0], [undefined, 1200, undefined], [1500, null, undefined], [1500, undefined, undefined], [40, 1200, 40],
];
for (const [now, first, want] of energy) test(`energyToday(${now}, ${first}) is ${want}`, (t) => t.is(f.energyToday(now, first), want));

test('firstValue skips the steps without data', (t) => {
  t.is(f.firstValue([[0, null], [60, 12.5], [120, 13]]), 12.5);
  t.is(f.firstValue([[0, null]]), undefined);
});

const agos: [number, string][] = [[5_000, '5 s ago'], [600_000, '10 min ago'], [3 * 3600_000, '3 h ago'], [3 * 86400_000, '3 d ago'], [-1000, '0 s ago']];
for (const [delta, want] of agos) test(`ago(${delta} ms) is ${want}`, (t) => t.is(f.ago(1_000_000_000 - delta, 1_000_000_000), want));

test('startOfDay is local midnight', (t) => {
  const d = new Date(2025, 5, 1, 17, 30).getTime();
  t.is(f.startOfDay(d), new Date(2025, 5, 1).getTime());
});

const switches: [string, object, object | undefined, SwitchView][] = [
  ['confirmed on', { relay: true }, undefined, { state: 'on', pending: false, label: 'on' }],
  ['never reported', {}, undefined, { state: 'unknown', pending: false, label: 'unknown' }],
  ['the gateway holds a command open', { relay: false, pendingCommand: { id: 3, status: 'sent', state: 'on' } }, undefined, { state: 'on', pending: true, label: 'pending (sent)' }],
  ['this page is still sending', { relay: false }, { status: 'sending', state: 'on' }, { state: 'on', pending: true, label: 'pending (sending)' }],
  ['accepted by the API, not yet in the snapshot', { relay: true }, { id: 4, status: 'accepted', state: 'off' }, { state: 'off', pending: true, label: 'pending (accepted)' }],
  ['ok: the confirmed state, no error', { relay: true }, { id: 4, status: 'ok', state: 'on' }, { state: 'on', pending: false, label: 'on' }],
  ['failed with a reason', { relay: false }, { id: 5, status: 'failed', reason: 'no radio ack', state: 'on' }, { state: 'off', pending: false, label: 'off', error: 'switching on failed: no radio ack' }],
  ['unconfirmed without a reason', { relay: false }, { id: 6, status: 'unconfirmed', state: 'on' }, { state: 'off', pending: false, label: 'off', error: 'switching on unconfirmed' }],
  ['the API refused it', { relay: false }, { state: 'on', error: 'switching on failed: broker silent' }, { state: 'off', pending: false, label: 'off', error: 'switching on failed: broker silent' }],
];
for (const [name, channel, mine, want] of switches) test(`switchView: ${name}`, (t) => t.deepEqual(f.switchView(channel, mine), want));

test('healthBadges names what needs a person', (t) => {
  t.deepEqual(f.healthBadges({ health: { silent: true, batteryLow: true, tripped: true } }), ['silent', 'battery low', 'tripped']);
  t.deepEqual(f.healthBadges({ health: { silent: false, batteryLow: false, tripped: false } }), []);
});
