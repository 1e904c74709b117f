import test from 'ava';
import { buildScreenModel, MAX_UNKNOWN_ROWS } from '../../src/display/screen-model.ts';
import { node, NOW, STATES } from './fixtures.ts';

test('a flood of unknown nodes cannot push the named rooms off the panel: rooms first, then the last heard unknown nodes, then a count', (t) => {
  const unknown = Array.from({ length: 40 }, (_, i) => node('unknown', 100 + i, { lastSeenMs: NOW - (40 - i) * 1000 }));
  // A silent unknown node would sort first by attention; it still goes after the rooms.
  unknown[0] = node('unknown', 100, { lastSeenMs: NOW - 3_600_000 });
  const model = buildScreenModel({ ...STATES['one-room'], nodes: [...unknown, ...STATES['one-room'].nodes] }, { timeZone: 'UTC' });
  t.is(model.rows[0].name, 'Kitchen');
  t.deepEqual(model.rows.slice(1, 1 + MAX_UNKNOWN_ROWS).map((r) => r.name), ['a2b2c2d2e28b', 'a2b2c2d2e28a', 'a2b2c2d2e289']);
  t.is(model.rows.at(-1)?.name, `+${40 - MAX_UNKNOWN_ROWS} unknown nodes`);
  t.is(model.rows.length, 1 + MAX_UNKNOWN_ROWS + 1);
});

test('a few unknown nodes are all shown, with no count row', (t) => {
  const model = buildScreenModel({ ...STATES['one-room'], nodes: [node('unknown', 7), ...STATES['one-room'].nodes] }, { timeZone: 'UTC' });
  t.deepEqual(model.rows.map((r) => r.name), ['Kitchen', 'a2b2c2d2e207']);
});
