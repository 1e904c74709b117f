import test, { type ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import { toLineProtocol } from '../../src/points/point.ts';
import {
  decodeLine, decodeMessage, encodeBrokerEvent, encodeLine, kindName, KIND, parseBrokerFrame, parseGatewayFrame,
  ProtocolError, RECORD_BY_TYPE, RECORDS,
} from '../../src/protocol/index.ts';
import { heartbeatToPoint, messageToPoints } from '../../src/readings/index.ts';

/**
 * Every fenced block of docs/protocol.md whose info string starts with
 * `example-` is checked here against the codecs, one test per block.
 */
const markdown = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');

interface Block { info: string; body: string[]; heading: string; line: number }

function blocks(): Block[] {
  const found: Block[] = [];
  const lines = markdown.split('\n');
  let heading = '';
  for (let i = 0; i < lines.length; i += 1) {
    if (lines[i].startsWith('#')) heading = lines[i].replace(/^#+\s*/, '');
    const open = /^```(example-\S+.*)$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i += 1; lines[i] !== '```'; i += 1) body.push(lines[i]);
    found.push({ info: open[1], body, heading, line: start + 1 });
  }
  return found;
}

const HEADER = /^header: v(\d+), ([A-Z]+), boot (\d+), seq (\d+)/;
const BYTES_LINE = /^((?:[0-9a-f]{2} )*[0-9a-f]{2})(?: {2,}(.*))?$/;

function checkRecordLine(t: ExecutionContext, header: Buffer, bytes: Buffer, comment: string): void {
  t.is(bytes[1], bytes.length - 2, `one whole record per line: ${comment}`);
  const alone = decodeMessage(Buffer.concat([header, bytes]));
  const unknown = /^unknown type 0x([0-9a-f]{2})/.exec(comment);
  const invalid = /^invalid (\w+)/.exec(comment);
  const valid = /^(\w+) ("[^"]*"|-?\d+)/.exec(comment);
  if (unknown) {
    t.is(alone.unknownRecords, 1, comment);
    t.is(bytes[0], Number.parseInt(unknown[1], 16));
  } else if (invalid) {
    t.is(alone.invalidRecords, 1, comment);
    t.is<string | undefined, string>(RECORD_BY_TYPE.get(bytes[0])?.name, invalid[1]);
  } else if (valid) {
    t.deepEqual(alone.records, [{ type: bytes[0], name: valid[1], raw: JSON.parse(valid[2]) }], comment);
  } else {
    t.fail(`record comment not understood: ${comment}`);
  }
}

function checkPayload(t: ExecutionContext, block: Block): void {
  const rows = block.body.map((line) => BYTES_LINE.exec(line)!);
  t.true(rows.every(Boolean), 'every line is hex bytes, two spaces, a comment');
  const parts = rows.map((row) => Buffer.from(row[1].replaceAll(' ', ''), 'hex'));
  const message = decodeMessage(Buffer.concat(parts));
  const header = HEADER.exec(rows[0][2] ?? '');
  t.truthy(header, 'the first line describes the header');
  t.is(parts[0].length, 6);
  t.deepEqual([message.version, kindName(message.kind), message.boot, message.seq], [Number(header![1]), header![2], Number(header![3]), Number(header![4])]);
  rows.slice(1).forEach((row, i) => checkRecordLine(t, parts[0], parts[i + 1], row[2] ?? ''));
}

function parseFrame(line: string) {
  const frame = decodeLine(line);
  return ['TX', 'TIME'].includes(frame.tag) ? parseGatewayFrame(frame) : parseBrokerFrame(frame);
}

function checkLines(t: ExecutionContext, block: Block): void {
  for (const line of block.body) {
    const parsed = parseFrame(line);
    const frame = decodeLine(line);
    t.is(encodeLine(frame.tag, frame.fields), line);
    if (parsed.type !== 'tx' && parsed.type !== 'time') t.is(encodeBrokerEvent(parsed), line);
  }
}

function checkRejected(t: ExecutionContext, block: Block, code: string, payload: boolean): void {
  for (const line of block.body) {
    const run = payload ? () => decodeMessage(Buffer.from(line.replaceAll(' ', ''), 'hex')) : () => parseFrame(line);
    const error = t.throws(run, { instanceOf: ProtocolError }, line);
    t.is<string | undefined, string>(error?.code, code, line);
  }
}

function checkPoints(t: ExecutionContext, block: Block): void {
  const ctx = Object.fromEntries(block.info.split(' ').slice(1).map((kv) => kv.split('=') as [string, string]));
  const input = block.body.filter((l) => l.startsWith('< ')).map((l) => l.slice(2));
  const expected = block.body.filter((l) => l.startsWith('> ')).map((l) => l.slice(2));
  t.is(input.length, 1, 'one input line per block');
  const event = parseBrokerFrame(decodeLine(input[0]));
  const timeUs = Number(ctx.time);
  let points;
  if (event.type === 'rx') {
    const context = { mac: event.mac, room: ctx.room, gateway: ctx.gateway, lost: Number(ctx.lost), timeUs };
    points = messageToPoints(decodeMessage(event.payload), event.rssi === undefined ? context : { ...context, rssi: event.rssi });
  } else if (event.type === 'hb') {
    points = [heartbeatToPoint(event, { gateway: ctx.gateway, timeUs })];
  } else {
    return t.fail(`no points come from ${event.type}`);
  }
  t.deepEqual(points.map(toLineProtocol), expected);
}

const all = blocks();

test('docs/protocol.md has examples of every kind', (t) => {
  const kinds = new Set(all.map((b) => b.info.split(' ')[0]));
  t.deepEqual([...kinds].sort(), ['example-line', 'example-payload', 'example-points', 'example-rejected', 'example-rejected-payload']);
});

for (const block of all) {
  const [kind, arg] = block.info.split(' ');
  test(`doc example (${block.heading}, line ${block.line}): ${kind}${arg && !arg.includes('=') ? ` ${arg}` : ''}`, (t) => {
    if (kind === 'example-payload') checkPayload(t, block);
    else if (kind === 'example-line') checkLines(t, block);
    else if (kind === 'example-rejected') checkRejected(t, block, arg, false);
    else if (kind === 'example-rejected-payload') checkRejected(t, block, arg, true);
    else if (kind === 'example-points') checkPoints(t, block);
    else t.fail(`unknown example kind ${kind}`);
  });
}

test('the record table of docs/protocol.md matches src/protocol/records.ts', (t) => {
  const rows = markdown.split('\n').filter((l) => /^\| `0x[0-9a-f]{2}` \| \w+ \| (?:[ui](?:8|16|32)|utf8) \|/.test(l));
  const doc = rows.map((l) => {
    const cells = l.split('|').map((c) => c.trim());
    return { type: Number.parseInt(cells[1].slice(3, 5), 16), name: cells[2], format: cells[3], kinds: cells[6].replace(' (set)', '').split(', ') };
  });
  t.deepEqual(doc, RECORDS.map(({ type, name, format, kinds }) => ({ type, name, format, kinds: [...kinds] })));
});

test('the kind table of docs/protocol.md matches src/protocol/records.ts', (t) => {
  const rows = markdown.split('\n').filter((l) => /^\| `0x[0-9a-f]{2}` \| [A-Z]+ \|/.test(l));
  t.deepEqual(
    rows.map((l) => l.split('|').map((c) => c.trim())).map((c) => [c[2], Number.parseInt(c[1].slice(3, 5), 16)]),
    Object.entries(KIND),
  );
});
