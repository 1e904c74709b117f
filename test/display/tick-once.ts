/**
 * `tick-once.ts <dataDir>`: one {@link Display} tick with the default
 * rasteriser (a child per picture) and no panel, as the gateway runs it;
 * prints the tick's result as JSON. Run by display-child.test.ts.
 */
import { Display } from '../../src/display/display.ts';
import { silentLogger } from '../../src/log.ts';
import { NOW, STATES, displayConfig } from './fixtures.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('tick-once.ts: pass the data directory');
const display = new Display({
  config: displayConfig({ panel: 'none' }), dataDir, log: silentLogger, now: () => NOW, getState: () => STATES.alerts, timeZone: 'UTC',
});
console.log(JSON.stringify(await display.tick()));
