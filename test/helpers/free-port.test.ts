import test from 'ava';
import { onFreePort } from './free-port.ts';

test('onFreePort: a start that finds its port taken is tried again on another port; any other failure, or the last attempt, is thrown', async (t) => {
  const tried: number[] = [];
  const port = await onFreePort(async (p) => {
    tried.push(p);
    if (tried.length < 3) throw new Error(`listen tcp4 127.0.0.1:${p}: bind: address already in use`);
    return p;
  });
  t.is(tried.length, 3);
  t.is(port, tried[2]);
  await t.throwsAsync(onFreePort(async () => { throw new Error('no such binary'); }), { message: 'no such binary' });
  let calls = 0;
  await t.throwsAsync(onFreePort(async () => { calls += 1; throw new Error('Error: Address already in use'); }, 2), { message: /Address already in use/ });
  t.is(calls, 2);
});
