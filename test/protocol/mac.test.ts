import test from 'ava';
import { formatMac, normalizeMac, ProtocolError } from '../../src/protocol/index.ts';

const accepted: Array<[string, string]> = [
  ['a2:b2:c2:d2:e2:f2', 'a2b2c2d2e2f2'],
  ['A2-B2-C2-D2-E2-F2', 'a2b2c2d2e2f2'],
  ['a2b2c2d2e2f2', 'a2b2c2d2e2f2'],
  ['A2B2C2D2E2F2', 'a2b2c2d2e2f2'],
];
for (const [text, mac] of accepted) {
  test(`normalizeMac accepts ${text}`, (t) => t.is(normalizeMac(text), mac));
}

const refused = ['a2:b2', 'a2:b2-c2:d2:e2:f2', 'a2b2c2d2e2f', 'a2b2c2d2e2f2a', 'g2b2c2d2e2f2', ' a2b2c2d2e2f2', 'a2.b2.c2.d2.e2.f2', ''];
for (const text of refused) {
  test(`normalizeMac refuses ${JSON.stringify(text)}`, (t) => {
    t.is(t.throws(() => normalizeMac(text), { instanceOf: ProtocolError })?.code, 'BAD_MAC');
  });
}

test('formatMac writes the node tag form', (t) => {
  t.is(formatMac('a2b2c2d2e2f2'), 'a2:b2:c2:d2:e2:f2');
});
