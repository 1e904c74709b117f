"""ISO 15765-2 (ISO-TP) segmentation of one message over classic CAN frames
(8 data bytes), both ways, as PROTOCOL.md section 4 uses it for CAN nodes.
Pure: no bus, no clock; the caller passes ``now`` (``time.ticks_ms()``) and
sends the frames::

    import isotp
    tx = isotp.Sender(message)                 # up to 4095 bytes
    for f in tx.start(now): bus.send(ID_OUT, f)    # a single frame, or a first frame
    for f in tx.on_frame(fc, now): bus.send(ID_OUT, f)   # the flow control: consecutive frames
    tx.state                                   # DONE, WAIT_FC, FAILED; tx.poll(now) times out

    rx = isotp.Receiver()
    msg, reply = rx.on_frame(frame, now)       # reply: a flow-control frame to send, or None
    rx.poll(now)                               # drops a message whose frames stopped coming

Frames are padded to 8 bytes with 0xCC; a receiver accepts any length that
holds its bytes. Flow control is always "continue, block size 0, STmin 0":
the sender may send every consecutive frame without waiting.
"""
from time import ticks_diff
from micropython import const

SF = const(0)  # single frame: PCI 0x0L, up to 7 bytes
FF = const(1)  # first frame: PCI 0x1L LL, 12-bit length, 6 bytes
CF = const(2)  # consecutive frame: PCI 0x2N, sequence number N, 7 bytes
FC = const(3)  # flow control: 0x3S BS STmin

FS_CTS = const(0)
FS_WAIT = const(1)
FS_OVERFLOW = const(2)

MAX_LEN = const(4095)
PAD = const(0xCC)
N_BS_MS = const(1000)  # sender: the flow control must come within this (ISO 15765-2 N_Bs)
N_CR_MS = const(1000)  # receiver: each consecutive frame within this (N_Cr)

IDLE = const(0)
WAIT_FC = const(1)
SENDING = const(2)
DONE = const(3)
FAILED = const(4)
RECEIVING = const(5)


def _pad(frame):
    return bytes(frame) + bytes([PAD]) * (8 - len(frame))


def single_frame(data):
    """The single frame of ``data`` (0..7 bytes)."""
    return _pad(bytes([len(data)]) + data)


def first_frame(data):
    """The first frame of ``data`` (8..4095 bytes): length and the first 6 bytes."""
    n = len(data)
    return bytes([0x10 | n >> 8, n & 0xFF]) + data[:6]


def consecutive_frame(sn, chunk):
    """A consecutive frame with sequence number ``sn`` (taken mod 16) and up to 7 bytes."""
    return _pad(bytes([0x20 | (sn & 0x0F)]) + chunk)


def flow_control(status=FS_CTS, block_size=0, st_min=0):
    """A flow-control frame: continue (0), wait (1) or overflow (2)."""
    return _pad(bytes([0x30 | status, block_size, st_min]))


def segment(data):
    """Every frame of ``data`` in order: [SF] or [FF, CF1, CF2, ..., CF15, CF0, ...]."""
    if len(data) <= 7:
        return [single_frame(data)]
    if len(data) > MAX_LEN:
        raise ValueError("ISO-TP message of %d bytes" % len(data))
    frames = [first_frame(data)]
    sn = 1
    for at in range(6, len(data), 7):
        frames.append(consecutive_frame(sn, data[at:at + 7]))
        sn = (sn + 1) & 0x0F
    return frames


def kind(frame):
    """SF, FF, CF or FC of a frame (its PCI's high nibble), or None."""
    if not frame:
        return None
    k = frame[0] >> 4
    return k if k <= FC else None


class Sender:
    """Sends one message: ``start`` gives the first frame(s), ``on_frame`` the
    consecutive frames once the flow control allows them."""

    def __init__(self, data, timeout_ms=N_BS_MS):
        self._frames = segment(data)
        self._timeout = timeout_ms
        self._next = 0
        self._since = 0
        self.state = IDLE

    def start(self, now):
        if len(self._frames) == 1:
            self.state = DONE
            return self._frames
        self.state = WAIT_FC
        self._next = 1
        self._since = now
        return self._frames[:1]

    def on_frame(self, frame, now):
        """A frame from the peer; returns the frames to send now."""
        if self.state != WAIT_FC or kind(frame) != FC or len(frame) < 3:
            return []
        status, bs = frame[0] & 0x0F, frame[1]
        if status == FS_WAIT:
            self._since = now
            return []
        if status != FS_CTS:
            self.state = FAILED
            return []
        end = len(self._frames) if bs == 0 else min(len(self._frames), self._next + bs)
        out = self._frames[self._next:end]
        self._next = end
        if end == len(self._frames):
            self.state = DONE
        else:
            self._since = now  # block done: the next flow control is due
        return out

    def poll(self, now):
        """Fails the message when the flow control is overdue; returns the state."""
        if self.state == WAIT_FC and ticks_diff(now, self._since) >= self._timeout:
            self.state = FAILED
        return self.state


class Receiver:
    """Reassembles messages from one peer. Counts what it drops in ``errors``."""

    def __init__(self, timeout_ms=N_CR_MS, max_len=MAX_LEN):
        self._timeout = timeout_ms
        self._max = max_len
        self._buf = bytearray()
        self._want = 0
        self._sn = 0
        self._since = 0
        self.state = IDLE
        self.errors = 0

    def on_frame(self, frame, now):
        """One received frame: (complete message or None, flow-control frame to send or None)."""
        k = kind(frame)
        if k == SF:
            n = frame[0] & 0x0F
            if n == 0 or n > 7 or len(frame) < 1 + n:
                self.errors += 1
                return None, None
            self._abandon()
            return bytes(frame[1:1 + n]), None
        if k == FF:
            n = (frame[0] & 0x0F) << 8 | (frame[1] if len(frame) > 1 else 0)
            if n < 8 or len(frame) < 8:
                self.errors += 1
                return None, None
            self._abandon()
            if n > self._max:
                return None, flow_control(FS_OVERFLOW)
            self._buf = bytearray(frame[2:8])
            self._want = n
            self._sn = 1
            self._since = now
            self.state = RECEIVING
            return None, flow_control(FS_CTS, 0, 0)
        if k == CF and self.state == RECEIVING:
            if frame[0] & 0x0F != self._sn:
                self._abandon()
                return None, None
            take = min(7, self._want - len(self._buf))
            if len(frame) < 1 + take:
                self._abandon()
                return None, None
            self._buf += frame[1:1 + take]
            self._sn = (self._sn + 1) & 0x0F
            self._since = now
            if len(self._buf) == self._want:
                self.state = IDLE
                return bytes(self._buf), None
        return None, None

    def _abandon(self):
        if self.state == RECEIVING:
            self.errors += 1
        self.state = IDLE

    def poll(self, now):
        """Drops a message whose next consecutive frame is overdue; returns the state."""
        if self.state == RECEIVING and ticks_diff(now, self._since) >= self._timeout:
            self._abandon()
        return self.state
