import test from 'ava';
import fc from 'fast-check';
import { decodeInterpreted, decodeMessage, encodeMessage, interpret, ProtocolError, type InterpretedMessage } from '../../src/protocol/index.ts';
import { messageDraft } from './arbitraries.ts';
import { vectors } from './vectors.ts';

const view = (name: string) => interpret(decodeMessage(Buffer.from(vectors.messages.find((m) => m.name.startsWith(name))!.hex, 'hex')));

test('a REPORT is scaled to degC, %RH, hPa, lx and V', (t) => {
  t.deepEqual(view('worked example'), {
    kind: 'REPORT',
    values: { temperature: 21.53, humidity: 40.12, pressure: 1013.25, illuminance: 345.67, battery: 3.912 },
    channels: [],
  });
});

test('node records keep their units', (t) => {
  t.deepEqual(view('REPORT with every node record').values, {
    temperature: -5.12, humidity: 100, pressure: 987.65, illuminance: 0, battery: 3.3, status: 13, awake: 412, interval: 300, retries: 255,
  });
});

test('power records go to the channel selected before them', (t) => {
  t.deepEqual(view('REPORT from a power meter').channels, [
    { channel: 1, voltage: 230.12, current: -1.234, power: 2831.5, energy: 123456, relay: true },
    { channel: 2, voltage: 229.5, relay: false },
  ]);
});

test('power records before any channel record describe channel 0', (t) => {
  t.deepEqual(view('REPORT with power records before').channels, [{ channel: 0, voltage: 230.01, power: 0 }]);
});

test('a HELLO carries firmware and capabilities', (t) => {
  t.deepEqual(view('HELLO with firmware string'), {
    kind: 'HELLO', values: { firmware: 'node-1.2.0', capabilities: 7, interval: 300, status: 8 }, channels: [],
  });
});

test('a RECEIPT carries the time and the appended command', (t) => {
  t.deepEqual(view('RECEIPT'), {
    kind: 'RECEIPT', values: { time: 1700000000, commandId: 9, setInterval: 600 }, channels: [{ channel: 2, relay: false }],
  });
});

test('an unknown kind has no kind name', (t) => {
  t.is(view('unknown kind').kind, undefined);
});

/** What decodeMessage does with `bytes`: its message, or its error's code and text. */
function decoded(bytes: Uint8Array): { message: ReturnType<typeof decodeMessage> } | { error: string } {
  try {
    return { message: decodeMessage(bytes) };
  } catch (error) {
    return { error: `${(error as ProtocolError).code} ${(error as Error).message}` };
  }
}

test('property: decodeInterpreted is decodeMessage then interpret, on valid messages and on any bytes (same errors)', (t) => {
  const anyBytes = fc.oneof(
    messageDraft.map((draft) => encodeMessage(draft)),
    fc.uint8Array({ maxLength: 300 }),
    fc.uint8Array({ maxLength: 80 }).map((tail) => Buffer.concat([Buffer.from('010103000201', 'hex'), tail])),
  );
  fc.assert(fc.property(anyBytes, (bytes) => {
    const want = decoded(bytes);
    let got: InterpretedMessage;
    try {
      got = decodeInterpreted(bytes);
    } catch (error) {
      t.true(error instanceof ProtocolError);
      t.deepEqual({ error: `${(error as ProtocolError).code} ${(error as Error).message}` }, want);
      return;
    }
    if (!('message' in want)) return t.fail(`decodeMessage threw ${want.error}, decodeInterpreted did not`);
    const m = want.message;
    t.deepEqual(got.view, interpret(m));
    t.deepEqual([got.version, got.kind, got.boot, got.seq, got.unknownRecords, got.invalidRecords], [m.version, m.kind, m.boot, m.seq, m.unknownRecords, m.invalidRecords]);
    t.deepEqual(got.records, m.records);
  }), { numRuns: 1500 });
});

test('decodeInterpreted of a Uint8Array that is not a Buffer reads the same bytes', (t) => {
  const bytes = Buffer.from(vectors.messages.find((m) => m.name.startsWith('worked example'))!.hex, 'hex');
  const copy = new Uint8Array(bytes.length + 4).subarray(2, 2 + bytes.length);
  copy.set(bytes);
  t.deepEqual(decodeInterpreted(copy).view, interpret(decodeMessage(bytes)));
});
