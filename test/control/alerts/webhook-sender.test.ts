import test from 'ava';
import { WebhookSender, webhookRetryMs } from '../../../src/control/alerts/index.ts';
import { silentLogger } from '../../../src/log.ts';
import { freePort } from '../../helpers/free-port.ts';
import { recordingTimers, startReceiver } from './webhook-receiver.ts';

const config = (url: string, more: object = {}) => ({ url, maxAttempts: 8, queueSize: 100, timeoutMs: 2000, ...more });

const backoff: Array<[number, number]> = [[1, 1000], [2, 2000], [3, 4000], [6, 32_000], [7, 60_000], [20, 60_000]];
for (const [attempt, ms] of backoff) test(`webhook: after ${attempt} failed attempt(s) the wait is ${ms} ms`, (t) => t.is(webhookRetryMs(attempt), ms));

test('webhook: a real server answering 500 twice receives the alert on the third attempt, after 1 s and 2 s of back-off', async (t) => {
  const receiver = await startReceiver([500, 500]);
  const timers = recordingTimers();
  const sender = new WebhookSender({ config: config(receiver.url), log: silentLogger, timers });
  try {
    sender.send({ name: 'heater', state: 'firing' });
    await receiver.received(3);
    t.deepEqual(receiver.answered, [500, 500, 204]);
    t.deepEqual(receiver.bodies, Array(3).fill({ name: 'heater', state: 'firing' }));
    t.deepEqual(timers.delays, [1000, 2000]);
    await waitFor(() => sender.counters().delivered === 1);
    t.deepEqual(sender.counters(), { delivered: 1, failed: 0, dropped: 0, queued: 0 });
  } finally {
    sender.stop();
    await receiver.close();
  }
});

test('webhook: gives up after maxAttempts and goes on with the next alert in order', async (t) => {
  const receiver = await startReceiver([503, 503, 503]);
  const timers = recordingTimers();
  const sender = new WebhookSender({ config: config(receiver.url, { maxAttempts: 3 }), log: silentLogger, timers });
  try {
    sender.send({ n: 1 });
    sender.send({ n: 2 });
    await receiver.received(4);
    t.deepEqual(receiver.bodies, [{ n: 1 }, { n: 1 }, { n: 1 }, { n: 2 }]);
    await waitFor(() => sender.counters().delivered === 1);
    t.deepEqual(sender.counters(), { delivered: 1, failed: 1, dropped: 0, queued: 0 });
  } finally {
    sender.stop();
    await receiver.close();
  }
});

test('webhook: a 400 is not retried', async (t) => {
  const receiver = await startReceiver([400]);
  const sender = new WebhookSender({ config: config(receiver.url), log: silentLogger, timers: recordingTimers() });
  try {
    sender.send({ n: 1 });
    sender.send({ n: 2 });
    await receiver.received(2);
    t.deepEqual(receiver.bodies, [{ n: 1 }, { n: 2 }]);
  } finally {
    sender.stop();
    await receiver.close();
  }
});

test('webhook: an unreachable receiver never blocks send(); the bounded queue drops the oldest and counts it', async (t) => {
  const port = await freePort();
  const timers = recordingTimers();
  const sender = new WebhookSender({ config: config(`http://127.0.0.1:${port}/hook`, { queueSize: 3, maxAttempts: 2 }), log: silentLogger, timers });
  try {
    for (let n = 0; n < 10; n += 1) t.is(sender.send({ n }), undefined);
    t.like(sender.counters(), { dropped: 7, queued: 3 });
    await waitFor(() => sender.counters().queued === 0);
    t.like(sender.counters(), { delivered: 0, failed: 3, dropped: 7 });
  } finally {
    sender.stop();
  }
});

async function waitFor(check: () => boolean): Promise<void> {
  // Polls real I/O (the HTTP round trips), not a clock the code under test reads.
  for (let i = 0; i < 1000 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!check()) throw new Error('condition not reached');
}
