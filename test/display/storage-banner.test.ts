import test from 'ava';
import { buildScreenModel } from '../../src/display/screen-model.ts';
import { buildScreenSvg } from '../../src/display/screen-svg.ts';
import { NOW, STATES } from './fixtures.ts';

const RED = /fill="#f00"/;

for (const [sink, banner] of [
  [{ reachable: true, backlogPoints: 0 }, undefined],
  [{ reachable: true, backlogPoints: 812, storageProblem: 'disk full' }, 'Disk full · 812 queued'],
  [{ reachable: false, backlogPoints: 90, storageProblem: 'disk read-only' }, 'InfluxDB unreachable · Disk read-only · 90 queued'],
  [{ reachable: false, backlogPoints: 5 }, 'InfluxDB unreachable · 5 queued'],
] as const) {
  test(`sink ${JSON.stringify(sink)}: banner ${banner ?? 'none'}`, (t) => {
    const model = buildScreenModel({ ...STATES['one-room'], nowMs: NOW, sink }, { timeZone: 'UTC' });
    t.is(model.banner, banner);
    const { svg } = buildScreenSvg(model, 250, 122);
    if (banner) t.regex(svg, RED, 'the disk problem is a red mark, like InfluxDB unreachable');
  });
}

test('firing alerts that notify the panel join the red banner after the sink problems', (t) => {
  const model = buildScreenModel({ ...STATES['one-room'], nowMs: NOW, sink: { reachable: false, backlogPoints: 3 }, alerts: ['heater-overload (Kitchen)'] }, { timeZone: 'UTC' });
  t.is(model.banner, 'InfluxDB unreachable · 3 queued · Alert: heater-overload (Kitchen)');
  t.is(buildScreenModel({ ...STATES['one-room'], nowMs: NOW, alerts: ['node-silent (Hall)'] }, { timeZone: 'UTC' }).banner, 'Alert: node-silent (Hall)');
});
