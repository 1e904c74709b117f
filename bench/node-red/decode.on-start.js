// "On Start" code of the flow's function node "decode RX line" (see flow.ts):
// Node-RED runs it once when the flow starts, with `context` (the node's own
// context) in scope. It keeps the tables the "On Message" code
// (decode.on-message.js) looks up for every line, written from
// docs/protocol.md.

// CRC-32 of the serial lines (section 2): zlib's, the reflected polynomial
// 0xedb88320, one table entry per byte value.
const crcTable = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crcTable[n] = c >>> 0;
}
context.set('crcTable', crcTable);

// The record types of section 1 by type byte: field name, wire format,
// divisor to the stored unit (UTF-8 text: its length range in bytes
// instead), scope. Scope `message`: a value of the whole message;
// `channel`: belongs to the channel the last 0x0f record selected;
// `select`: that 0x0f record. Types not listed are unknown and skipped.
context.set('records', {
    0x01: { name: 'temperature', format: 'i16', divisor: 100, scope: 'message' },
    0x02: { name: 'humidity', format: 'u16', divisor: 100, scope: 'message' },
    0x03: { name: 'pressure', format: 'u32', divisor: 100, scope: 'message' },
    0x04: { name: 'illuminance', format: 'u32', divisor: 100, scope: 'message' },
    0x05: { name: 'battery', format: 'u16', divisor: 1000, scope: 'message' },
    0x06: { name: 'status', format: 'u16', divisor: 1, scope: 'message' },
    0x07: { name: 'awake', format: 'u16', divisor: 1, scope: 'message' },
    0x08: { name: 'interval', format: 'u16', divisor: 1, scope: 'message' },
    0x09: { name: 'retries', format: 'u8', divisor: 1, scope: 'message' },
    0x0f: { name: 'channel', format: 'u8', divisor: 1, scope: 'select' },
    0x10: { name: 'voltage', format: 'u16', divisor: 100, scope: 'channel' },
    0x11: { name: 'current', format: 'i32', divisor: 1000, scope: 'channel' },
    0x12: { name: 'power', format: 'i32', divisor: 10, scope: 'channel' },
    0x13: { name: 'energy', format: 'u32', divisor: 1, scope: 'channel' },
    0x14: { name: 'relay', format: 'u8', divisor: 1, scope: 'channel' },
    0x15: { name: 'trip', format: 'u8', divisor: 1, scope: 'channel' },
    0x16: { name: 'press', format: 'u8', divisor: 1, scope: 'channel' },
    0x40: { name: 'firmware', format: 'utf8', bytes: [1, 32], scope: 'message' },
    0x41: { name: 'capabilities', format: 'u16', divisor: 1, scope: 'message' },
    0x50: { name: 'time', format: 'u32', divisor: 1, scope: 'message' },
    0x51: { name: 'commandId', format: 'u16', divisor: 1, scope: 'message' },
    0x52: { name: 'outcome', format: 'u8', divisor: 1, scope: 'message' },
    0x53: { name: 'setInterval', format: 'u16', divisor: 1, scope: 'message' },
    0x54: { name: 'powerOnState', format: 'u8', divisor: 1, scope: 'channel' },
    0x55: { name: 'currentLimit', format: 'u32', divisor: 1000, scope: 'channel' },
    0x56: { name: 'humidityLimit', format: 'u16', divisor: 100, scope: 'channel' },
    0x57: { name: 'autoOff', format: 'u16', divisor: 1, scope: 'channel' },
    0x58: { name: 'text', format: 'utf8', bytes: [0, 80], scope: 'message' },
    0x59: { name: 'leds', format: 'u32', divisor: 1, scope: 'message' },
});

// Per sender MAC: its boot number, newest seq, recent seqs (duplicates,
// lost messages: section 3) and its tag set.
context.set('senders', {});

// The receive time of the last line, integer µs since the epoch: each line
// gets a later one, so no two points of a series share a timestamp.
context.set('clock', { lastUs: 0 });
