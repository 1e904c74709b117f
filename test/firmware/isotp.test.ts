/**
 * ISO 15765-2 segmentation (micropython/lib/isotp.py) in the real
 * interpreter: frames of known messages byte for byte, and the sender's and
 * receiver's state machines through tables of frame sequences.
 */
import test from 'ava';
import { FirmwareRig } from './harness.ts';

let shared: Promise<FirmwareRig> | undefined;
async function rig(): Promise<FirmwareRig> {
  shared ??= FirmwareRig.create(1).then((r) => {
    r.py(`
import json, isotp
from binascii import hexlify, unhexlify
def frames_of(n):
    return json.dumps([str(hexlify(f), "ascii") for f in isotp.segment(bytes(range(n)))])
def receive(script, max_len=4095):
    # script: [[t ms, frame hex]]: what the receiver makes of each frame, then its state and errors
    rx = isotp.Receiver(max_len=max_len)
    out = []
    for t, hx in script:
        if hx == "poll":
            out.append(["poll", rx.poll(t)])
            continue
        msg, reply = rx.on_frame(unhexlify(hx), t)
        out.append([None if msg is None else str(hexlify(msg), "ascii"), None if reply is None else str(hexlify(reply), "ascii")])
    return json.dumps({"steps": out, "state": rx.state, "errors": rx.errors})
def send(n, script):
    tx = isotp.Sender(bytes(range(n)))
    out = [[str(hexlify(f), "ascii") for f in tx.start(0)]]
    for t, hx in script:
        if hx == "poll":
            out.append(tx.poll(t))
        else:
            out.append(len(tx.on_frame(unhexlify(hx), t)))
    return json.dumps({"steps": out, "state": tx.state})
`);
    return r;
  });
  return shared;
}

const pad = (hex: string) => hex.padEnd(16, 'c');
const bytesHex = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => (from + i).toString(16).padStart(2, '0')).join('');

const segmentCases: [number, string[]][] = [
  [1, [pad('0100')]],
  [7, [pad('07' + bytesHex(0, 7))]],
  [8, ['1008' + bytesHex(0, 6), pad('21' + bytesHex(6, 8))]],
  [20, ['1014' + bytesHex(0, 6), '21' + bytesHex(6, 13), '22' + bytesHex(13, 20)]],
];
for (const [n, want] of segmentCases) {
  test(`a ${n}-byte message is ${want.length === 1 ? 'one single frame' : 'a first frame and consecutive frames'}, padded with 0xcc`, async (t) => {
    t.deepEqual((await rig()).json<string[]>(`frames_of(${n})`), want);
  });
}

test('250 bytes: first frame with length 0x0fa, 35 consecutive frames numbered 1..15, 0, 1..15, 0, 1..3', async (t) => {
  const frames = (await rig()).json<string[]>('frames_of(250)');
  t.is(frames.length, 36);
  t.is(frames[0].slice(0, 4), '10fa');
  const sns = frames.slice(1).map((f) => parseInt(f.slice(0, 2), 16));
  t.deepEqual(sns, Array.from({ length: 35 }, (_, i) => 0x20 | ((i + 1) & 15)));
  t.is(frames.at(-1), pad('23' + bytesHex(244, 250)));
});

interface RxOut { steps: unknown[]; state: number; errors: number }
const ff20 = '1014' + bytesHex(0, 6);
const cf1 = '21' + bytesHex(6, 13);
const cf2 = '22' + bytesHex(13, 20);
const rxCases: [string, [number, string][], unknown[], number, number][] = [
  ['a single frame is a message at once, without flow control', [[0, pad('0301ff02')]], [['01ff02', null]], 0, 0],
  ['a single frame shorter than 8 bytes (no padding) is read too', [[0, '0301ff02']], [['01ff02', null]], 0, 0],
  ['a first frame is answered by flow control continue, block size 0, STmin 0; the last frame completes it',
    [[0, ff20], [1, cf1], [2, cf2]], [[null, pad('300000')], [null, null], [bytesHex(0, 20), null]], 0, 0],
  ['a consecutive frame out of sequence drops the message (counted)', [[0, ff20], [1, cf2], [2, cf1]], [[null, pad('300000')], [null, null], [null, null]], 0, 1],
  ['a consecutive frame without a first frame is ignored', [[0, cf1]], [[null, null]], 0, 0],
  ['a gap of 1000 ms (N_Cr) drops the message', [[0, ff20], [500, cf1], [1499, 'poll'], [1500, 'poll']], [[null, pad('300000')], [null, null], ['poll', 5], ['poll', 0]], 0, 1],
  ['a new first frame replaces the one in progress (counted)', [[0, ff20], [1, cf1], [2, ff20], [3, cf1], [4, cf2]],
    [[null, pad('300000')], [null, null], [null, pad('300000')], [null, null], [bytesHex(0, 20), null]], 0, 1],
  ['a single frame in the middle of a message ends that message and is delivered', [[0, ff20], [1, pad('0107')]], [[null, pad('300000')], ['07', null]], 0, 1],
  ['a first frame longer than the receiver takes gets flow control overflow', [[0, '1100' + bytesHex(0, 6)]], [[null, pad('320000')]], 0, 0],
  ['a single frame of length 0 or over 7 is not a message (counted)', [[0, pad('00')], [1, pad('08')]], [[null, null], [null, null]], 0, 2],
];
for (const [name, script, steps, state, errors] of rxCases) {
  test(`receiver: ${name}`, async (t) => {
    const out = (await rig()).json<RxOut>(`receive(${JSON.stringify(script)}, ${name.includes('longer than') ? 200 : 4095})`);
    t.deepEqual(out, { steps, state, errors });
  });
}

const DONE = 3;
const FAILED = 4;
const WAIT_FC = 1;
const txCases: [string, number, [number, string][], unknown[], number][] = [
  ['up to 7 bytes: one single frame and done', 7, [], [[pad('07' + bytesHex(0, 7))]], DONE],
  ['flow control continue with block size 0: every consecutive frame at once', 20, [[5, pad('300000')]], [['1014' + bytesHex(0, 6)], 2], DONE],
  ['flow control wait: keeps waiting, the N_Bs timer starts again', 20, [[900, pad('31')], [1800, 'poll'], [1900, pad('300000')]], [['1014' + bytesHex(0, 6)], 0, WAIT_FC, 2], DONE],
  ['no flow control within 1000 ms (N_Bs): failed', 20, [[999, 'poll'], [1000, 'poll'], [1001, pad('300000')]], [['1014' + bytesHex(0, 6)], WAIT_FC, FAILED, 0], FAILED],
  ['flow control overflow: failed', 20, [[1, pad('32')]], [['1014' + bytesHex(0, 6)], 0], FAILED],
  ['block size 1: one consecutive frame per flow control', 20, [[1, pad('3001')], [2, pad('3001')]], [['1014' + bytesHex(0, 6)], 1, 1], DONE],
];
for (const [name, n, script, steps, state] of txCases) {
  test(`sender: ${name}`, async (t) => {
    t.deepEqual((await rig()).json(`send(${n}, ${JSON.stringify(script)})`), { steps, state });
  });
}
