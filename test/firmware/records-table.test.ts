/**
 * The one record table (protocol/records.json) against the MicroPython codec
 * (micropython/lib/espnow_proto.py) in the real interpreter: every row, kind,
 * status flag, capability bit and value name is there with the same value and
 * nothing else is; each record's bytes at the limits of its format are the
 * TypeScript encoder's, and each side decodes the other's.
 */
import test from 'ava';
import { decodeMessage, encodeMessage, FORMAT_RANGE, KIND } from '../../src/protocol/index.ts';
import { byteRange, loadTable, snake } from '../../scripts/gen-records.ts';
import { FirmwareRig, q } from './harness.ts';

const table = loadTable();
const rig = await FirmwareRig.create(5);
rig.py(`
import json, espnow_proto as p
from binascii import hexlify, unhexlify
_PREFIXES = ("R_", "ST_", "CAP_", "OUTCOME_", "TRIP_", "PRESS_", "POWER_ON_")
def _names():
    out = {}
    for k in dir(p):
        if k.startswith(_PREFIXES) or k in ("REPORT", "HELLO", "RESULT", "RECEIPT", "COMMAND"):
            out[k] = getattr(p, k)
    return json.dumps({"names": out, "formats": {str(k): v for k, v in p.FORMATS.items()},
                       "text": {str(k): list(v) for k, v in p.TEXT_BYTES.items()}})
def _encode(rtype, value):
    return str(hexlify(p.encode_message(p.REPORT, 1, 2, [(rtype, value)])), "ascii")
def _decode(hexed):
    m = p.decode_message(unhexlify(hexed))
    return json.dumps([m.records, m.invalid, m.unknown])
`);
const mp = rig.json<{ names: Record<string, number>; formats: Record<string, string>; text: Record<string, [number, number]> }>('_names()');

const STRUCT: Record<string, string> = { u8: '<B', u16: '<H', i16: '<h', u32: '<I', i32: '<i', utf8: 's' };

test('espnow_proto has exactly the constants of the table (kinds, R_*, ST_*, CAP_*, value names)', (t) => {
  const want: Record<string, number> = {};
  for (const [k, v] of Object.entries(table.kinds)) want[k] = Number.parseInt(v, 16);
  for (const r of table.records) want[`R_${snake(r.name)}`] = Number.parseInt(r.type, 16);
  for (const [k, b] of Object.entries(table.statusBits)) want[`ST_${k}`] = 1 << b;
  for (const [k, b] of Object.entries(table.capabilityBits)) want[`CAP_${k}`] = 1 << b;
  for (const [group, values] of Object.entries(table.values)) for (const [k, v] of Object.entries(values)) want[`${group}_${k}`] = v;
  t.deepEqual(mp.names, want);
  t.is(mp.names.CAP_POWER_METER, 1 << 3, 'the power-meter bit that had drifted is there');
  t.is(mp.names.CAP_RELAY, 1 << 4);
});

test('espnow_proto knows every record type with its format and UTF-8 limits, and no other', (t) => {
  t.deepEqual(mp.formats, Object.fromEntries(table.records.map((r) => [String(Number.parseInt(r.type, 16)), STRUCT[r.format]])));
  t.deepEqual(mp.text, Object.fromEntries(table.records.filter((r) => r.format === 'utf8').map((r) => [String(Number.parseInt(r.type, 16)), r.bytes])));
});

for (const row of table.records) {
  test(`record ${row.type} ${row.name}: MicroPython and TypeScript write the same bytes at the limits and read each other's`, (t) => {
    const type = Number.parseInt(row.type, 16);
    const [minBytes, maxBytes] = byteRange(row);
    const values: (number | string)[] = row.format === 'utf8'
      ? ['é'.repeat(Math.floor(maxBytes / 2)) + 'x'.repeat(maxBytes % 2), 'x'.repeat(minBytes)]
      : [...FORMAT_RANGE[row.format as keyof typeof FORMAT_RANGE]];
    for (const raw of values) {
      const ts = encodeMessage({ kind: KIND.REPORT, boot: 1, seq: 2, records: [{ type, raw }] }).toString('hex');
      const py = rig.str(`_encode(${type}, ${typeof raw === 'string' ? q(raw) : raw})`);
      t.is(py, ts);
      t.deepEqual(rig.json(`_decode(${q(ts)})`), [[[type, raw]], 0, 0]);
      t.deepEqual(decodeMessage(Buffer.from(py, 'hex')).records, [{ type, name: row.name, raw }]);
    }
    const long = Buffer.from([1, 1, 0, 0, 0, 0, type, maxBytes + 1, ...Buffer.alloc(maxBytes + 1, 0x41)]).toString('hex');
    t.deepEqual(rig.json(`_decode(${q(long)})`), [[], 1, 0], 'a value longer than the table allows is invalid');
  });
}
