import test from 'ava';
import fc from 'fast-check';
import { lineBytesBound, writeLine } from '../../src/points/line-bytes.ts';
import { bool, float, int, str, toLineProtocol, type Point } from '../../src/points/point.ts';

/** writeLine's bytes for `p`, in a buffer of exactly the bound (so writing past it would throw or show). */
function written(p: Point): Buffer {
  const buf = Buffer.alloc(lineBytesBound(p) + 1, 0xff);
  const end = writeLine(p, buf, 1);
  if (end > buf.length) throw new Error(`wrote past the bound: ${end} > ${buf.length}`);
  if (buf[0] !== 0xff) throw new Error('wrote before `at`');
  return buf.subarray(1, end);
}

const text = fc.string({ minLength: 0, maxLength: 6, unit: fc.constantFrom('a', 'B', ',', '=', ' ', '\\', ':', '1', 'é', '"', '€', '𝄞') });
const scaled = fc.tuple(fc.integer({ min: -0x80000000, max: 0xffffffff }), fc.constantFrom(1, 10, 100, 1000)).map(([raw, divisor]) => raw / divisor);
const field = fc.oneof(
  fc.double().map(float), // NaN and the infinities too: written as toLineProtocol writes them
  scaled.map(float),
  fc.constantFrom(0, -0, 0.5, -0.5, 0.001, -0.001, 1e-7, 2 ** 53, -(2 ** 53), 1e21, 999_999_999_999.999, -1e12).map(float),
  fc.integer().map(int),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(int),
  fc.constantFrom(-128, -129, 0, -0, 1023, 1024).map(int),
  fc.boolean().map(bool),
  text.map(str),
);
const point = fc.record({
  measurement: text.filter((s) => s.length > 0),
  tags: fc.dictionary(text.filter((s) => s.length > 0), text, { maxKeys: 4 }),
  fields: fc.dictionary(text.filter((s) => s.length > 0), field, { minKeys: 1, maxKeys: 5 }),
  timeUs: fc.oneof(fc.maxSafeNat(), fc.integer({ min: 1.6e15, max: 1.9e15 }), fc.constantFrom(0, 9, 10, 99_999_999, 1e8, 2 ** 53 - 1)),
});

test('property: writeLine writes toLineProtocol\'s line as UTF-8, within lineBytesBound, for any point (also repeated, past the memo bounds)', (t) => {
  fc.assert(fc.property(fc.array(point, { minLength: 1, maxLength: 40 }), (points) => {
    // Frozen tag sets too (a sender's points share one; its prefix is remembered by identity), one shared by two measurements.
    const frozen = points.map((p) => ({ ...p, tags: Object.freeze({ ...p.tags }) }));
    const shared = frozen.map((p, i) => ({ ...p, tags: frozen[0].tags, measurement: i % 2 ? p.measurement : frozen[0].measurement }));
    for (const p of [...points, ...points, ...frozen, ...frozen, ...shared]) t.is(written(p).toString('hex'), Buffer.from(toLineProtocol(p)).toString('hex'));
  }), { numRuns: 300 });
});

test('writeLine: the gateway\'s usual points, byte for byte', (t) => {
  const tags = Object.freeze({ gateway: 'pi', mac: 'a2:b2:c2:d2:e2:f2', room: 'Küche' });
  const p: Point = { measurement: 'environment', tags, fields: { temperature: float(21.5), humidity: float(45.25), pressure: float(1013.2), lux: int(120), battery: float(3.91), rssi: int(-61), ok: bool(true), temperatureRaw: float(-12) }, timeUs: 1_764_700_000_123_456 };
  const line = 'environment,gateway=pi,mac=a2:b2:c2:d2:e2:f2,room=Küche temperature=21.5,humidity=45.25,pressure=1013.2,lux=120i,battery=3.91,rssi=-61i,ok=true,temperatureRaw=-12.0 1764700000123456';
  t.is(toLineProtocol(p), line);
  t.is(written(p).toString('utf8'), line);
});
