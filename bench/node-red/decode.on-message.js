// "On Message" code of the flow's function node "decode RX line" (see
// flow.ts). Not a module: Node-RED runs this text as the body of a function
// for every message, with `msg`, `node` and `context` in scope (hence the
// `return` at the top level). The tables come from decode.on-start.js.
//
// In: msg.payload, one serial line as the "serial in" node splits it (a
// string ending in "\n"). Out: msg.payload, the points of section 3 of
// docs/protocol.md for the "influxdb batch" node: [{ measurement, tags,
// fields, timestamp }], tags room (`unknown`: no room map), node and
// gateway, integer fields as "<n>i" strings (the node's convention for an
// integer), timestamp in µs (the batch node's precision). Lines that are not
// RX frames, fail their CRC or do not decode give no message (null). The
// bench stream has only RX lines, so BOOT, HB and TXR are not decoded here.

const crcTable = context.get('crcTable');
const records = context.get('records');
const senders = context.get('senders');
const clock = context.get('clock');

/** The frame text of a line: without its "\n" and a "\r" before it. */
function frameText(line) {
    const end = line.endsWith('\r\n') ? line.length - 2 : line.endsWith('\n') ? line.length - 1 : line.length;
    return line.slice(0, end);
}

/** True when `crcHex` (8 lower-case hex digits) is the CRC-32 of `body`, an ASCII string. */
function crcMatches(body, crcHex) {
    if (!/^[0-9a-f]{8}$/.test(crcHex)) return false;
    let crc = 0xffffffff;
    for (let i = 0; i < body.length; i++) {
        const c = body.charCodeAt(i);
        if (c > 0x7f) return false; // an RX line is ASCII
        crc = crcTable[(crc ^ c) & 0xff] ^ (crc >>> 8);
    }
    return ((crc ^ 0xffffffff) >>> 0) === parseInt(crcHex, 16);
}

/** The value of a record at payload[start..start+length), or undefined when the length is wrong for its format. */
function readValue(payload, spec, start, length) {
    switch (spec.format) {
        case 'u8': return length === 1 ? payload[start] : undefined;
        case 'u16': return length === 2 ? payload.readUInt16LE(start) : undefined;
        case 'i16': return length === 2 ? payload.readInt16LE(start) : undefined;
        case 'u32': return length === 4 ? payload.readUInt32LE(start) : undefined;
        case 'i32': return length === 4 ? payload.readInt32LE(start) : undefined;
        case 'utf8': return length >= spec.bytes[0] && length <= spec.bytes[1] ? payload.toString('utf8', start, start + length) : undefined;
    }
}

/**
 * The records after the 6-byte header, scaled: { values, channels }, the
 * channels in order of first appearance; undefined when a record runs past
 * the end (the message cannot be read). Unknown types and known types of the
 * wrong length are skipped; a record seen twice keeps the later value.
 */
function decodeRecords(payload) {
    const values = {};
    const channels = [];
    let channel = 0;
    for (let at = 6; at < payload.length; ) {
        if (at + 2 > payload.length) return undefined;
        const spec = records[payload[at]];
        const length = payload[at + 1];
        const start = at + 2;
        at = start + length;
        if (at > payload.length) return undefined;
        const raw = spec === undefined ? undefined : readValue(payload, spec, start, length);
        if (raw === undefined) continue;
        const value = typeof raw === 'number' ? raw / spec.divisor : raw;
        if (spec.scope === 'select') {
            channel = value;
        } else if (spec.scope === 'channel') {
            let entry = channels.find((c) => c.channel === channel);
            if (entry === undefined) channels.push((entry = { channel }));
            entry[spec.name] = value;
        } else {
            values[spec.name] = value;
        }
    }
    return { values, channels };
}

/** The sender's state, made at its first message (tags: node as aa:bb:cc:dd:ee:ff). */
function senderOf(mac) {
    let sender = senders[mac];
    if (sender === undefined) {
        const tags = { gateway: 'bench', node: mac.match(/../g).join(':'), room: 'unknown' };
        sender = senders[mac] = { boot: -1, head: 0, recent: [], tags };
    }
    return sender;
}

/**
 * Messages lost before (boot, seq), or -1 for a duplicate (section 3): within
 * one boot, d = (seq - newest) mod 65536 in 1..32768 counts d - 1 lost; a seq
 * among the last 64 seen is a duplicate; one further behind that was not seen
 * is late (0 lost), and one more than 64 behind restarts the count (0 lost).
 */
function lostBefore(sender, boot, seq) {
    let lost = 0;
    if (boot !== sender.boot) {
        sender.boot = boot;
        sender.recent = [];
        sender.head = seq;
    } else if (sender.recent.includes(seq)) {
        return -1;
    } else {
        const ahead = (seq - sender.head + 0x10000) % 0x10000;
        if (ahead >= 1 && ahead <= 0x8000) {
            lost = ahead - 1;
            sender.head = seq;
        } else if (0x10000 - ahead > 64) {
            sender.recent = [];
            sender.head = seq;
        }
    }
    sender.recent.push(seq);
    if (sender.recent.length > 64) sender.recent.shift();
    return lost;
}

/** Receive time in integer µs, later than the previous line's. */
function receiveTimeUs() {
    const now = Date.now() * 1000;
    clock.lastUs = now > clock.lastUs ? now : clock.lastUs + 1;
    return clock.lastUs;
}

/** Copies the fields named in `names` that `from` has into `to`. */
function copyFields(to, from, names) {
    for (const name of names) if (from[name] !== undefined) to[name] = from[name];
}

const hasFields = (fields) => Object.keys(fields).length > 0;

/**
 * The points of a REPORT (kind 1), HELLO (2) or RESULT (3): a REPORT's
 * environment point when it has any of 0x01-0x04; always a node point; per
 * channel a power point (a RESULT: relay and trip only) and a REPORT's input
 * point for a button press.
 */
function toPoints(kind, decoded, sender, rssi, lost, timestamp) {
    const report = kind === 1;
    const { values, channels } = decoded;
    const points = [];
    const environment = {};
    if (report) copyFields(environment, values, ['temperature', 'humidity', 'pressure', 'illuminance']);
    if (hasFields(environment)) points.push({ measurement: 'environment', tags: sender.tags, fields: environment, timestamp });
    const fields = {};
    if (report && values.battery !== undefined) fields.battery = values.battery;
    if (rssi !== undefined) fields.rssi = `${rssi}i`;
    if (report && values.awake !== undefined) fields.awake = `${values.awake}i`;
    if (report && values.retries !== undefined) fields.retries = `${values.retries}i`;
    if (values.status !== undefined) fields.status = `${values.status}i`;
    fields.lost = `${lost}i`;
    points.push({ measurement: 'node', tags: sender.tags, fields, timestamp });
    for (const channel of channels) {
        const tags = { ...sender.tags, channel: String(channel.channel) };
        const power = {};
        if (report) copyFields(power, channel, ['voltage', 'current', 'power', 'energy']);
        if (channel.relay !== undefined) power.relay = channel.relay !== 0;
        if (channel.trip !== undefined) power.trip = `${channel.trip}i`;
        if (hasFields(power)) points.push({ measurement: 'power', tags, fields: power, timestamp });
        if (report && channel.press !== undefined) points.push({ measurement: 'input', tags, fields: { press: `${channel.press}i` }, timestamp });
    }
    return points;
}

const timestamp = receiveTimeUs();
const text = frameText(msg.payload);
const star = text.indexOf('*');
if (text.length > 1024 || star < 0) return null;
const body = text.slice(0, star);
if (!crcMatches(body, text.slice(star + 1))) return null;
const fields = body.split(',');
if (fields[0] !== 'RX' || fields.length !== 4) return null;
const [, mac, rssiText, hex] = fields;
if (!/^[0-9a-f]{12}$/.test(mac) || !/^(?:-?(?:0|[1-9][0-9]*))?$/.test(rssiText) || !/^(?:[0-9a-f]{2}){1,250}$/.test(hex)) return null;
const rssi = rssiText === '' ? undefined : Number(rssiText);
if (rssi < -128 || rssi > 127) return null;

const payload = Buffer.from(hex, 'hex');
if (payload.length < 6 || payload[0] !== 1) return null;
const decoded = decodeRecords(payload);
const kind = payload[1];
// RECEIPT, COMMAND and unknown kinds make no points.
if (decoded === undefined || (kind !== 1 && kind !== 2 && kind !== 3)) return null;
const sender = senderOf(mac);
const lost = lostBefore(sender, payload.readUInt16LE(2), payload.readUInt16LE(4));
if (lost < 0) return null;
msg.payload = toPoints(kind, decoded, sender, rssi, lost, timestamp);
return msg;
