import test from 'ava';
import {
  decodeLine, decodeMessage, encodeBrokerEvent, encodeMessage, parseBrokerFrame, parseGatewayFrame, ProtocolError,
  type BrokerEvent,
} from '../../src/protocol/index.ts';
import { vectors } from './vectors.ts';

const withHexPayload = (value: object): Record<string, unknown> =>
  Object.fromEntries(Object.entries(value).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('hex') : v]));

for (const v of vectors.messages) {
  test(`message: ${v.name}`, (t) => {
    const bytes = Buffer.from(v.hex, 'hex');
    if (v.invalid) {
      const error = t.throws(() => decodeMessage(bytes), { instanceOf: ProtocolError });
      t.is<string | undefined, string | undefined>(error?.code, v.error);
      return;
    }
    const message = decodeMessage(bytes);
    t.deepEqual(
      { version: message.version, kind: message.kind, boot: message.boot, seq: message.seq, records: message.records },
      { version: v.version, kind: v.kind, boot: v.boot, seq: v.seq, records: v.records },
    );
    t.is(message.unknownRecords, v.unknownRecords ?? 0);
    t.is(message.invalidRecords, v.invalidRecords ?? 0);
    if (message.unknownRecords === 0 && message.invalidRecords === 0) t.is(encodeMessage(message).toString('hex'), v.hex);
  });
}

for (const v of vectors.lines) {
  test(`line: ${v.name}`, (t) => {
    if (!v.frame) {
      const error = t.throws(() => decodeLine(v.line), { instanceOf: ProtocolError });
      t.is<string | undefined, string | undefined>(error?.code, v.error);
      return;
    }
    const frame = decodeLine(v.line);
    t.deepEqual(frame, { tag: v.tag, fields: v.fields });
    if (v.event) {
      const event = parseBrokerFrame(frame);
      t.deepEqual(withHexPayload(event), v.event);
      t.is(encodeBrokerEvent(event as BrokerEvent), v.line.replace(/\r$/, ''));
    } else if (v.command) {
      t.deepEqual(withHexPayload(parseGatewayFrame(frame)), v.command);
    } else {
      const parse = ['TX', 'TIME'].includes(frame.tag) ? parseGatewayFrame : parseBrokerFrame;
      const error = t.throws(() => parse(frame), { instanceOf: ProtocolError });
      t.is<string | undefined, string | undefined>(error?.code, v.brokerError);
    }
  });
}
