import test from 'ava';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { BrokerPort } from '../../src/serial/broker-port.ts';
import { nativeBinding, type PortBinding } from '../../src/serial/open-port.ts';
import { startPtyPair } from '../helpers/pty-pair.ts';
import { recordingLog } from '../helpers/recording-log.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** Wraps the real binding and records every open option and every set()/update() call. */
function recordingBinding(): { binding: PortBinding; opens: Record<string, unknown>[]; calls: { name: string; arg: unknown }[] } {
  const opens: Record<string, unknown>[] = [];
  const calls: { name: string; arg: unknown }[] = [];
  const binding = {
    list: () => nativeBinding.list(),
    async open(options: Parameters<PortBinding['open']>[0]) {
      opens.push({ ...options });
      const port = await nativeBinding.open(options);
      return new Proxy(port, {
        get(target, name, receiver) {
          const value = Reflect.get(target, name, receiver);
          if (name === 'set' || name === 'update') {
            return (arg: unknown) => {
              calls.push({ name, arg });
              return (value as (a: unknown) => Promise<void>).call(target, arg);
            };
          }
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
  } as PortBinding;
  return { binding, opens, calls };
}

test('opening, reopening and closing never touch DTR/RTS and leave HUPCL off', async (t) => {
  const pty = await startPtyPair();
  const { binding, opens, calls } = recordingBinding();
  const port = new BrokerPort({ path: pty.gatewayPath, baudRate: 921600, log: recordingLog().log, binding });
  try {
    port.start();
    await once(port, 'open');
    // What the kernel holds for the open tty: HUPCL off, so close will not drop DTR.
    const stty = execFileSync('stty', ['-F', pty.gatewayPath, '-a']).toString();
    t.regex(stty, /(^|\s)-hupcl(\s|$)/);
    t.regex(stty, /speed 921600 baud/);
    await port.write('TIME,1*00');
    await pty.vanish();
    await pty.reappear();
    await waitFor(() => opens.length === 2 && port.isOpen, 8000, 'reopen');
  } finally {
    await port.stop();
    await pty.stop();
  }
  t.is(opens.length, 2);
  for (const o of opens) t.like(o, { hupcl: false, rtscts: undefined, baudRate: 921600 });
  t.deepEqual(calls, [], 'no set()/update() call: DTR/RTS never driven by the gateway');
});
