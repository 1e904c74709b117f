import test from 'ava';
import { StateThrottle } from '../../../src/control/mqtt/state-throttle.ts';
import { ManualClock } from '../../commands/manual-clock.ts';

function setup(intervalMs = 1000) {
  const clock = new ManualClock();
  const sent: Array<[string, string]> = [];
  const raw = new StateThrottle({ intervalMs, timers: clock });
  // Each run publishes its topic's payload, as the MQTT publisher's runs queue a node's state.
  const throttle = {
    offer: (topic: string, build: () => string | undefined) => raw.offer(topic, () => {
      const payload = build();
      if (payload !== undefined) sent.push([topic, payload]);
    }),
    flush: () => raw.flush(),
    clear: () => raw.clear(),
  };
  let builds = 0;
  /** A builder of `text` that counts how often a payload was built. */
  const value = (text: string | undefined) => () => {
    builds += 1;
    return text;
  };
  return { clock, sent, throttle, value, builds: () => builds };
}

test('state throttle: the first change goes out at once, later ones in the interval fold into the latest at its end', (t) => {
  const { clock, sent, throttle, value, builds } = setup();
  for (let i = 1; i <= 50; i += 1) throttle.offer('a', value(`a${i}`));
  t.deepEqual(sent, [['a', 'a1']]);
  clock.advance(999);
  t.is(sent.length, 1);
  clock.advance(1);
  t.deepEqual(sent, [['a', 'a1'], ['a', 'a50']]);
  t.is(builds(), 2, 'a payload is built only when it is published');
  clock.advance(5000);
  t.is(sent.length, 2, 'nothing came in the next interval: nothing is sent again');
  t.is(clock.waiting, 0, 'and no timer is left');
});

test('state throttle: a change after a quiet interval goes out at once; one within the interval after a trailing publish waits for the next end', (t) => {
  const { clock, sent, throttle, value } = setup();
  throttle.offer('a', value('1'));
  clock.advance(60_000);
  throttle.offer('a', value('2'));
  t.deepEqual(sent.map(([, p]) => p), ['1', '2']);
  throttle.offer('a', value('3'));
  clock.advance(1000);
  throttle.offer('a', value('4'));
  clock.advance(999);
  t.deepEqual(sent.map(([, p]) => p), ['1', '2', '3']);
  clock.advance(1);
  t.deepEqual(sent.map(([, p]) => p), ['1', '2', '3', '4']);
});

test('state throttle: topics are throttled each on its own', (t) => {
  const { clock, sent, throttle, value } = setup();
  throttle.offer('a', value('a1'));
  clock.advance(500);
  throttle.offer('b', value('b1'));
  throttle.offer('a', value('a2'));
  throttle.offer('b', value('b2'));
  clock.advance(500);
  t.deepEqual(sent, [['a', 'a1'], ['b', 'b1'], ['a', 'a2']]);
  clock.advance(500);
  t.deepEqual(sent.at(-1), ['b', 'b2']);
});

test('state throttle: flush() sends every folded change now and leaves no timer; clear() sends nothing', (t) => {
  const { clock, sent, throttle, value } = setup();
  throttle.offer('a', value('a1'));
  throttle.offer('b', value('b1'));
  throttle.offer('a', value('a2'));
  throttle.flush();
  t.deepEqual(sent, [['a', 'a1'], ['b', 'b1'], ['a', 'a2']]);
  t.is(clock.waiting, 0);
  throttle.offer('a', value('a3'));
  t.deepEqual(sent.at(-1), ['a', 'a3'], 'flush closed every interval');
  throttle.offer('a', value('a4'));
  throttle.clear();
  clock.advance(5000);
  t.is(sent.length, 4);
  t.is(clock.waiting, 0);
});

test('state throttle: a builder with nothing to publish (the node is gone) sends nothing', (t) => {
  const { clock, sent, throttle, value } = setup();
  throttle.offer('a', value('a1'));
  throttle.offer('a', value(undefined));
  clock.advance(1000);
  t.deepEqual(sent, [['a', 'a1']]);
});
