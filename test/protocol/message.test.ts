import test from 'ava';
import fc from 'fast-check';
import { decodeMessage, encodeMessage, ProtocolError, record, type MessageDraft } from '../../src/protocol/index.ts';
import { messageDraft } from './arbitraries.ts';

const encodeRejections: Array<[name: string, draft: MessageDraft, code: string]> = [
  ['temperature over i16 is refused', { kind: 1, boot: 0, seq: 0, records: [record('temperature', 40000)] }, 'BAD_VALUE'],
  ['negative battery is refused', { kind: 1, boot: 0, seq: 0, records: [record('battery', -1)] }, 'BAD_VALUE'],
  ['fractional humidity is refused', { kind: 1, boot: 0, seq: 0, records: [record('humidity', 40.5)] }, 'BAD_VALUE'],
  ['firmware of 33 bytes is refused', { kind: 2, boot: 0, seq: 0, records: [record('firmware', 'x'.repeat(33))] }, 'BAD_VALUE'],
  ['empty firmware is refused', { kind: 2, boot: 0, seq: 0, records: [record('firmware', '')] }, 'BAD_VALUE'],
  ['number as firmware is refused', { kind: 2, boot: 0, seq: 0, records: [record('firmware', 12)] }, 'BAD_VALUE'],
  ['unknown type without bytes is refused', { kind: 1, boot: 0, seq: 0, records: [{ type: 0x7f, raw: 1 }] }, 'BAD_VALUE'],
  ['seq over 65535 is refused', { kind: 1, boot: 0, seq: 65536, records: [] }, 'BAD_VALUE'],
  ['boot below 0 is refused', { kind: 1, boot: -1, seq: 0, records: [] }, 'BAD_VALUE'],
  ['message over 250 bytes is refused', { kind: 1, boot: 0, seq: 0, records: Array(41).fill(record('pressure', 1)) }, 'TOO_LONG'],
];

for (const [name, draft, code] of encodeRejections) {
  test(`encodeMessage: ${name}`, (t) => {
    const error = t.throws(() => encodeMessage(draft), { instanceOf: ProtocolError });
    t.is<string | undefined, string | undefined>(error?.code, code);
  });
}

test('an unknown record given as bytes is written as it is', (t) => {
  const bytes = encodeMessage({ kind: 1, boot: 1, seq: 2, records: [{ type: 0x7f, bytes: Uint8Array.of(1, 2) }] });
  t.is(bytes.toString('hex'), '0101010002007f020102');
});

test('decodeMessage reads a view into a larger buffer correctly', (t) => {
  const whole = Buffer.from('ffff010103000201010269080000', 'hex');
  const message = decodeMessage(whole.subarray(2, 12));
  t.deepEqual([message.boot, message.seq, message.records], [3, 258, [{ type: 1, name: 'temperature', raw: 2153 }]]);
});

test('property: encodeMessage then decodeMessage gives the message back', (t) => {
  fc.assert(fc.property(messageDraft, (draft) => {
    let bytes: Buffer;
    try {
      bytes = encodeMessage(draft);
    } catch (error) {
      return error instanceof ProtocolError && error.code === 'TOO_LONG';
    }
    const message = decodeMessage(bytes);
    t.deepEqual(message, {
      version: 1, ...draft, records: message.records.map(({ type, name, raw }) => ({ type, name, raw })),
      unknownRecords: 0, invalidRecords: 0,
    });
    t.deepEqual(message.records.map(({ type, raw }) => ({ type, raw })), draft.records);
    return true;
  }), { numRuns: 500 });
});

test('property: decodeMessage throws nothing but ProtocolError on arbitrary bytes', (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
    try {
      decodeMessage(bytes);
    } catch (error) {
      return error instanceof ProtocolError;
    }
    return true;
  }), { numRuns: 3000 });
  t.pass();
});

test('property: decodeMessage of valid-header bytes re-encodes to the same bytes when nothing was skipped', (t) => {
  const body = fc.uint8Array({ maxLength: 60 });
  fc.assert(fc.property(body, (tail) => {
    const bytes = Buffer.concat([Buffer.from('010103000201', 'hex'), tail]);
    let message;
    try {
      message = decodeMessage(bytes);
    } catch (error) {
      return error instanceof ProtocolError && error.code === 'TRUNCATED_RECORD';
    }
    if (message.unknownRecords + message.invalidRecords > 0) return true;
    return encodeMessage(message).equals(bytes);
  }), { numRuns: 2000 });
  t.pass();
});
