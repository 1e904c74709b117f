/**
 * The one record table (protocol/records.json) against the TypeScript codec:
 * every row, kind, status and capability bit is in src/protocol with the same
 * values, the generated files are what the table makes now, and each record
 * encodes and decodes at the limits of its format. test/firmware/records-table.test.ts
 * checks the MicroPython side against the same table.
 */
import test from 'ava';
import {
  CAPABILITY_BITS, decodeMessage, encodeMessage, FORMAT_RANGE, KIND, OUTCOME, ProtocolError, RECORDS, STATUS_BITS,
} from '../../src/protocol/index.ts';
import { POWER_ON, PRESS, TRIP } from '../../src/protocol/records.ts';
import { byteRange, loadTable, renderPython, renderTypeScript, staleFiles } from '../../scripts/gen-records.ts';

const table = loadTable();

test('the generated files (records-table.ts, espnow_records.py) are what protocol/records.json makes now', (t) => {
  t.deepEqual(staleFiles(table), []);
});

test('the generator output changes when a row changes (so the staleness check can fail)', (t) => {
  const changed = structuredClone(table);
  changed.records[0].divisor = 10;
  t.not(renderTypeScript(changed), renderTypeScript(table));
  changed.records[0].format = 'u16';
  t.not(renderPython(changed), renderPython(table));
});

test('src/protocol has exactly the rows of the table, in its order', (t) => {
  const want = table.records.map((r) => ({
    type: Number.parseInt(r.type, 16), name: r.name, format: r.format, bytes: byteRange(r), divisor: r.divisor,
    unit: r.unit, wire: r.wire, kinds: r.kinds, scope: r.scope ?? 'message',
  }));
  const got = RECORDS.map((r) => ({ ...r, bytes: [...r.bytes], kinds: [...r.kinds] }));
  t.deepEqual(got, want);
});

test('kinds, status flags, capability bits and value names match the table', (t) => {
  t.deepEqual(KIND, Object.fromEntries(Object.entries(table.kinds).map(([k, v]) => [k, Number.parseInt(v, 16)])));
  const bits = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, b]) => [k, 1 << b]));
  t.deepEqual(STATUS_BITS, bits(table.statusBits));
  t.deepEqual(CAPABILITY_BITS, bits(table.capabilityBits));
  t.deepEqual({ OUTCOME, TRIP, PRESS, POWER_ON }, table.values as unknown);
});

for (const row of table.records) {
  test(`record ${row.type} ${row.name}: encodes and decodes at the limits of ${row.format}`, (t) => {
    const type = Number.parseInt(row.type, 16);
    const [minBytes, maxBytes] = byteRange(row);
    const values: (number | string)[] = row.format === 'utf8'
      ? ['é'.repeat(Math.floor(maxBytes / 2)) + 'x'.repeat(maxBytes % 2), 'x'.repeat(minBytes)]
      : [...FORMAT_RANGE[row.format as keyof typeof FORMAT_RANGE]];
    for (const raw of values) {
      const bytes = encodeMessage({ kind: KIND.REPORT, boot: 1, seq: 2, records: [{ type, raw }] });
      t.is(bytes[7], row.format === 'utf8' ? Buffer.byteLength(raw as string) : maxBytes);
      t.deepEqual(decodeMessage(bytes).records, [{ type, name: row.name, raw }]);
    }
    const over = row.format === 'utf8' ? 'x'.repeat(maxBytes + 1) : FORMAT_RANGE[row.format as keyof typeof FORMAT_RANGE][1] + 1;
    t.throws(() => encodeMessage({ kind: KIND.REPORT, boot: 1, seq: 2, records: [{ type, raw: over }] }), { instanceOf: ProtocolError });
    const long = Buffer.from([1, 1, 0, 0, 0, 0, type, maxBytes + 1, ...Buffer.alloc(maxBytes + 1, 0x41)]);
    t.is(decodeMessage(long).invalidRecords, 1, 'a value longer than the table allows is invalid');
  });
}
