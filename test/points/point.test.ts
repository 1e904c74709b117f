import test from 'ava';
import fc from 'fast-check';
import { bool, float, int, str, toLineProtocol, type FieldValue, type Point } from '../../src/points/point.ts';

/** The line protocol spelled out the slow, obvious way (InfluxDB's escaping rules). */
function reference(point: Point): string {
  const key = (s: string) => s.replace(/[,= \\]/g, (c) => `\\${c}`);
  const tags = Object.keys(point.tags).sort().filter((k) => point.tags[k] !== '').map((k) => `,${key(k)}=${key(point.tags[k])}`).join('');
  const value = (f: FieldValue) => (f.type === 'int' ? `${f.value}i` : f.type === 'bool' ? String(f.value) : /^-?\d+$/.test(String(f.value)) ? `${f.value}.0` : String(f.value));
  const fields = Object.keys(point.fields).map((k) => `${key(k)}=${value(point.fields[k])}`).join(',');
  return `${point.measurement.replace(/[, \\]/g, (c) => `\\${c}`)}${tags} ${fields} ${point.timeUs}`;
}

test('tags sorted, empty ones left out, special characters escaped, floats keep a decimal point', (t) => {
  const point: Point = {
    measurement: 'env ir,x',
    tags: { room: 'Living room, north', node: 'a2:b2:c2:d2:e2:f2', empty: '', 'k=1': 'v\\w' },
    fields: { temperature: float(21), 'a b': int(-3.7), on: bool(true), ratio: float(0.25) },
    timeUs: 1_700_000_000_000_001,
  };
  t.is(toLineProtocol(point), 'env\\ ir\\,x,k\\=1=v\\\\w,node=a2:b2:c2:d2:e2:f2,room=Living\\ room\\,\\ north temperature=21.0,a\\ b=-3i,on=true,ratio=0.25 1700000000000001');
});

test('the remembered series prefix never mixes up two tag sets (same text, cut differently)', (t) => {
  const a: Point = { measurement: 'm', tags: { a: 'b1:c' }, fields: { v: int(1) }, timeUs: 1 };
  const b: Point = { measurement: 'm', tags: { a: 'b', '1:c': '' }, fields: { v: int(1) }, timeUs: 1 };
  const c: Point = { measurement: 'm', tags: { a: 'b', c: 'x' }, fields: { v: int(1) }, timeUs: 1 };
  for (let round = 0; round < 2; round++) {
    t.is(toLineProtocol(a), 'm,a=b1:c v=1i 1');
    t.is(toLineProtocol(b), 'm,a=b v=1i 1');
    t.is(toLineProtocol(c), 'm,a=b,c=x v=1i 1');
  }
});

test('property: same line as the reference for any point, also past the memo bound and when repeated', (t) => {
  const text = fc.string({ minLength: 0, maxLength: 6, unit: fc.constantFrom('a', 'B', ',', '=', ' ', '\\', ':', '1', 'é') });
  const field = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(float),
    fc.integer().map(int),
    fc.boolean().map(bool),
  );
  const point = fc.record({
    measurement: text.filter((s) => s.length > 0),
    tags: fc.dictionary(text.filter((s) => s.length > 0), text, { maxKeys: 4 }),
    fields: fc.dictionary(text.filter((s) => s.length > 0), field, { minKeys: 1, maxKeys: 4 }),
    timeUs: fc.integer({ min: 0 }),
  });
  fc.assert(fc.property(fc.array(point, { minLength: 1, maxLength: 50 }), (points) => {
    for (const p of [...points, ...points]) t.is(toLineProtocol(p), reference(p));
  }), { numRuns: 200 });
});

test('a frozen tag set shared by many points gives each measurement its own series', (t) => {
  const tags = Object.freeze({ room: 'Kitchen', node: 'a2:b2:c2:d2:e2:f2' });
  const at = (measurement: string): Point => ({ measurement, tags, fields: { v: int(1) }, timeUs: 5 });
  for (let round = 0; round < 2; round++) {
    t.is(toLineProtocol(at('node')), 'node,node=a2:b2:c2:d2:e2:f2,room=Kitchen v=1i 5');
    t.is(toLineProtocol(at('environment')), 'environment,node=a2:b2:c2:d2:e2:f2,room=Kitchen v=1i 5');
  }
});

test('property: same line as the reference for frozen tag sets too', (t) => {
  const text = fc.string({ minLength: 1, maxLength: 5, unit: fc.constantFrom('a', ',', '=', ' ', '\\') });
  fc.assert(fc.property(text, fc.dictionary(text, text, { maxKeys: 3 }), (measurement, raw) => {
    const point: Point = { measurement, tags: Object.freeze({ ...raw }), fields: { v: float(1.5) }, timeUs: 2 };
    t.is(toLineProtocol(point), reference(point));
    t.is(toLineProtocol(point), reference(point));
  }), { numRuns: 200 });
});

test('line protocol: a string field is quoted, with only " and \\ escaped (the command measurement)', (t) => {
  const line = toLineProtocol({
    measurement: 'command', tags: { node: 'a2:b2:c2:d2:e2:f4', room: 'Hall' },
    fields: { id: int(7), action: str('text "hello" C:\\x, y=1'), status: str('ok') }, timeUs: 1,
  });
  t.is(line, 'command,node=a2:b2:c2:d2:e2:f4,room=Hall id=7i,action="text \\"hello\\" C:\\\\x, y=1",status="ok" 1');
});

test('line protocol: integers print the same inside and outside the remembered range, whatever the order', (t) => {
  const values = [-129, -128, -61, -0, 0, 1, 1023, 1024, 65535, -2147483648, 1e21, 0.5, 1e-300];
  const at = (value: number, timeUs: number): Point => ({ measurement: 'm', tags: {}, fields: { v: { type: 'int', value } }, timeUs });
  for (const order of [values, [...values].reverse()]) {
    for (const [i, value] of order.entries()) t.is(toLineProtocol(at(value, i % 2)), `m v=${value}i ${i % 2}`);
  }
});

test('line protocol: an integral float keeps a decimal point, or from 1e21 on the exponent String() gives it; both read back as the value', (t) => {
  const cases: Array<[number, string]> = [[21, '21.0'], [-0, '0.0'], [999_999_999_999_999_900_000, '999999999999999900000.0'], [1e21, '1e+21'], [-2.5e22, '-2.5e+22'], [1.7976931348623157e308, '1.7976931348623157e+308']];
  for (const [value, text] of cases) {
    t.is(toLineProtocol({ measurement: 'm', tags: {}, fields: { v: float(value) }, timeUs: 1 }), `m v=${text} 1`);
    t.true(/^-?\d+(\.\d+)?(e[+-]\d+)?$/.test(text) && Number(text) === value, `${text} is a line-protocol float that reads back as ${value}`);
  }
});

test('small integer and boolean fields are shared frozen values; the rest, and -0, are values of their own', (t) => {
  t.is(int(-61), int(-61.9));
  t.true(Object.isFrozen(int(1023)));
  t.deepEqual(int(5), { type: 'int', value: 5 });
  t.not(int(1024), int(1024));
  t.not(int(-129), int(-129));
  t.true(Object.is(int(-0.5).value, -0));
  t.true(Object.is(int(0).value, 0));
  t.is(bool(true), bool(true));
  t.deepEqual([bool(true), bool(false)], [{ type: 'bool', value: true }, { type: 'bool', value: false }]);
});

test('property: floats print as String() prints them: readings scaled by 10, 100 or 1000, near the 1e12 bound, and any double', (t) => {
  const scaled = fc.tuple(fc.integer({ min: -0x80000000, max: 0xffffffff }), fc.constantFrom(1, 10, 100, 1000)).map(([raw, divisor]) => raw / divisor);
  const thousandths = fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }).map((m) => m / 1000);
  const nearBound = fc.tuple(fc.constantFrom(1e12, 999_999_999_999.999, 1e11, 2 ** 40), fc.integer({ min: -3, max: 3 }), fc.boolean())
    .map(([edge, steps, negative]) => (negative ? -1 : 1) * (edge + steps / 1000));
  const any = fc.double({ noNaN: true });
  fc.assert(fc.property(fc.oneof(scaled, thousandths, nearBound, any, fc.constantFrom(0.001, -0.001, 0.0005, 1e-7, 0.1 + 0.2)), (value) => {
    const point: Point = { measurement: 'm', tags: {}, fields: { v: float(value) }, timeUs: 1 };
    t.is(toLineProtocol(point), reference(point));
  }), { numRuns: 5000 });
});

test('property: timestamps print as String() prints them, around 1e8, 2^31 and 2^53 and for any safe integer', (t) => {
  const edges = fc.tuple(fc.constantFrom(1e8, 2 ** 31, 1e15, 1_700_000_000_000_000, 2 ** 53 - 1, 0), fc.integer({ min: -2, max: 2 })).map(([edge, d]) => edge + d);
  fc.assert(fc.property(fc.oneof(edges, fc.maxSafeNat(), fc.integer({ min: 1.6e15, max: 1.9e15 })), (timeUs) => {
    const point: Point = { measurement: 'm', tags: {}, fields: { v: int(1) }, timeUs };
    t.is(toLineProtocol(point), `m v=1i ${String(timeUs)}`);
  }), { numRuns: 3000 });
});
