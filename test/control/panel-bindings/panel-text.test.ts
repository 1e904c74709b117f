import test from 'ava';
import { lcdText, outletText, problemText, relayLine, type OutletFigures } from '../../../src/control/panel-bindings/index.ts';

const outlets: Array<[string, OutletFigures, string[]]> = [
  ['every reading known, relay on', { name: 'Rack outlet 1', power: 123.44, current: 0.5449, energyTodayWh: 1234, relay: true },
    ['Rack outlet 1', '123.4 W  0.54 A', 'today 1.23 kWh', 'relay on']],
  ['relay off, nothing drawn', { name: 'Office outlet 2', power: 0, current: 0, energyTodayWh: 0, relay: false },
    ['Office outlet 2', '0.0 W  0.00 A', 'today 0.00 kWh', 'relay off']],
  ['nothing reported yet', { name: 'Hall outlet 3' }, ['Hall outlet 3', '-- W  -- A', 'today -- kWh', 'relay unknown']],
  ['a long name is cut to 20 characters', { name: 'Server rack, top shelf, NAS', power: 2300, current: 10, energyTodayWh: 15_556, relay: true },
    ['Server rack, top she', '2300.0 W  10.00 A', 'today 15.56 kWh', 'relay on']],
  ['a trip shows instead of the relay', { name: 'Heater', power: 0, current: 0, relay: false, trip: 1 }, ['Heater', '0.0 W  0.00 A', 'today -- kWh', 'off: over-current']],
  ['an unknown trip code by number', { name: 'Heater', relay: false, trip: 9 }, ['Heater', '-- W  -- A', 'today -- kWh', 'off: trip 9']],
];
for (const [name, figures, lines] of outlets) {
  test(`outletText: ${name}`, (t) => {
    const text = outletText(figures);
    t.deepEqual(text.split('\n'), lines);
    t.true(text.split('\n').every((l) => [...l].length <= 20));
  });
}

const fits: Array<[string, string[], string[]]> = [
  ['a 5th line is dropped', ['a', 'b', 'c', 'd', 'e'], ['a', 'b', 'c', 'd']],
  ['a newline inside a line becomes a space', ['a\nb'], ['a b']],
  ['letters are never split: 20 of them kept', ['Küchenschrank, Steckdose links'], ['Küchenschrank, Steck']],
  ['4 lines of 20 four-byte letters are cut to 80 bytes, the longest line first', Array(4).fill('😀'.repeat(20)), ['😀'.repeat(4), '😀'.repeat(5), '😀'.repeat(5), '😀'.repeat(5)]],
];
for (const [name, input, lines] of fits) {
  test(`lcdText: ${name}`, (t) => {
    const text = lcdText(input);
    t.deepEqual(text.split('\n'), lines);
    t.true(Buffer.byteLength(text) <= 80, `${Buffer.byteLength(text)} bytes`);
  });
}

test('lcdText: 4 full ASCII lines are 83 bytes with the newlines, so the longest lines, first ones first, give up the 3 bytes', (t) => {
  const text = lcdText(['A'.repeat(20), 'B'.repeat(20), 'C'.repeat(20), 'D'.repeat(20)]);
  t.is(Buffer.byteLength(text), 80);
  t.deepEqual(text.split('\n').map((l) => l.length), [19, 19, 19, 20]);
});

test('relayLine and problemText', (t) => {
  t.is(relayLine(true, 0), 'relay on');
  t.is(relayLine(undefined), 'relay unknown');
  t.is(problemText('Rack outlet 1', 'not switched:', 'broker silent'), 'Rack outlet 1\nnot switched:\nbroker silent');
});
