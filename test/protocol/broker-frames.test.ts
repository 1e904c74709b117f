import test from 'ava';
import fc from 'fast-check';
import {
  decodeLine, encodeBrokerEvent, encodeLine, encodeTime, encodeTx, parseBrokerFrame, parseBrokerLine, parseGatewayFrame,
  ProtocolError, TX_STATUSES, type BrokerEvent,
} from '../../src/protocol/index.ts';
import { lineField, tag, wireMac } from './arbitraries.ts';

const rejected: Array<[name: string, tag: string, fields: string[], code: string]> = [
  ['RX with an rssi that is not a number', 'RX', ['a2b2c2d2e2f2', 'x', '0101'], 'BAD_FIELD_FORMAT'],
  ['RX with an rssi of +5 (sign)', 'RX', ['a2b2c2d2e2f2', '+5', '0101'], 'BAD_FIELD_FORMAT'],
  ['RX with an empty payload', 'RX', ['a2b2c2d2e2f2', '-50', ''], 'BAD_FIELD_FORMAT'],
  ['RX with an upper-case payload', 'RX', ['a2b2c2d2e2f2', '-50', '01AB'], 'BAD_FIELD_FORMAT'],
  ['RX with a payload over 250 bytes', 'RX', ['a2b2c2d2e2f2', '-50', '00'.repeat(251)], 'BAD_FIELD_FORMAT'],
  ['RX with a MAC of 11 digits', 'RX', ['a2b2c2d2e2f', '-50', '0101'], 'BAD_FIELD_FORMAT'],
  ['RX with four fields', 'RX', ['a2b2c2d2e2f2', '-50', '0101', ''], 'BAD_FIELD_COUNT'],
  ['BOOT with an empty firmware', 'BOOT', ['', 'a0b1c2d3e4f5', '1'], 'BAD_FIELD_FORMAT'],
  ['BOOT with a channel of 256', 'BOOT', ['fw', 'a0b1c2d3e4f5', '256'], 'BAD_FIELD_FORMAT'],
  ['HB with a negative counter', 'HB', ['1', '2', '-3', '4', '5', '6'], 'BAD_FIELD_FORMAT'],
  ['HB with a leading zero', 'HB', ['1', '2', '03', '4', '5', '6'], 'BAD_FIELD_FORMAT'],
  ['HB with five fields', 'HB', ['1', '2', '3', '4', '5'], 'BAD_FIELD_COUNT'],
  ['TXR with id 0', 'TXR', ['0', 'sent'], 'BAD_FIELD_FORMAT'],
  ['TXR with id 65536', 'TXR', ['65536', 'sent'], 'BAD_FIELD_FORMAT'],
  ['TX is not a broker line', 'TX', ['1', 'a2b2c2d2e2f2', '0101'], 'UNKNOWN_TAG'],
];

for (const [name, tg, fields, code] of rejected) {
  test(`parseBrokerFrame: ${name} is rejected`, (t) => {
    const error = t.throws(() => parseBrokerFrame({ tag: tg, fields }), { instanceOf: ProtocolError });
    t.is<string | undefined, string | undefined>(error?.code, code);
  });
}

test('encodeTx refuses an id of 0 and an upper-case MAC', (t) => {
  t.is(t.throws(() => encodeTx(0, 'a2b2c2d2e2f2', Uint8Array.of(1)), { instanceOf: ProtocolError })?.code, 'BAD_FIELD_FORMAT');
  t.is(t.throws(() => encodeTx(1, 'A2B2C2D2E2F2', Uint8Array.of(1)), { instanceOf: ProtocolError })?.code, 'BAD_FIELD_FORMAT');
});

test('encodeTime drops fractions of a second', (t) => {
  t.is(encodeTime(1700000000.9), 'TIME,1700000000*8a75b055');
});

const brokerEvent: fc.Arbitrary<BrokerEvent> = fc.oneof(
  fc.record({
    type: fc.constant('rx' as const), mac: wireMac,
    payload: fc.uint8Array({ minLength: 1, maxLength: 250 }).map((b) => Buffer.from(b)),
  }, { requiredKeys: ['type', 'mac', 'payload'] }).chain((e) =>
    fc.option(fc.integer({ min: -128, max: 127 }), { nil: undefined }).map((rssi) => (rssi === undefined ? e : { ...e, rssi }))),
  fc.record({
    type: fc.constant('boot' as const), firmware: lineField.filter((s) => s !== ''), brokerMac: wireMac,
    channel: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({
    type: fc.constant('hb' as const), uptimeS: fc.nat(), rx: fc.nat(), rxDropped: fc.nat(), tx: fc.nat(), txFailed: fc.nat(),
    queued: fc.nat(),
  }),
  fc.record({ type: fc.constant('txr' as const), id: fc.integer({ min: 1, max: 65535 }), status: fc.constantFrom(...TX_STATUSES) }),
);

test('property: encodeBrokerEvent then parseBrokerLine gives the event back', (t) => {
  fc.assert(fc.property(brokerEvent, (event) => {
    t.deepEqual(parseBrokerLine(encodeBrokerEvent(event)), event);
  }), { numRuns: 500 });
});

test('property: encodeTx then parseGatewayFrame gives id, MAC and payload back', (t) => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 65535 }), wireMac, fc.uint8Array({ minLength: 1, maxLength: 250 }), (id, mac, bytes) => {
    t.deepEqual(parseGatewayFrame(decodeLine(encodeTx(id, mac, bytes))), { type: 'tx', id, mac, payload: Buffer.from(bytes) });
  }));
});

test('property: encodeTime then parseGatewayFrame gives the seconds back', (t) => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (unixS) => {
    t.deepEqual(parseGatewayFrame(decodeLine(encodeTime(unixS))), { type: 'time', unixS });
  }));
});

test('property: parseBrokerFrame throws nothing but ProtocolError on arbitrary frames', (t) => {
  const anyTag = fc.oneof(fc.constantFrom('RX', 'BOOT', 'HB', 'TXR'), tag);
  const field = fc.oneof(lineField, fc.integer({ min: -300, max: 70000 }).map(String), wireMac, fc.constantFrom(...TX_STATUSES));
  fc.assert(fc.property(anyTag, fc.array(field, { maxLength: 7 }), (tg, fields) => {
    try {
      parseBrokerLine(encodeLine(tg, fields));
    } catch (error) {
      return error instanceof ProtocolError;
    }
    return true;
  }), { numRuns: 2000 });
  t.pass();
});
