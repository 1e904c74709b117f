"""Radio messages over CAN (PROTOCOL.md section 4, "CAN nodes through the
broker"): ISO-TP on an MCP2515, node ``nn`` (1..127) sending with id
0x400 + nn, the broker with 0x500 + nn::

    link = can_link.for_node(can, 5)          # a CAN node; peer 0 is the broker
    link = can_link.for_broker(can)           # the broker; peers are node numbers
    link.send(peer, message, done)            # starts it; done(True) once every frame is on the bus
    for peer, message in link.poll(): ...     # call often: completes sends, returns messages received

Nothing waits for the peer: a message over 7 bytes goes on when its flow
control arrives (read by ``poll``), and fails after 1000 ms without (N_Bs).
A first frame that no node acknowledges within ``frame_timeout_ms`` (the
bus is unplugged or off) fails the message at once.
Only the wait for TXB0 (about 1 ms a frame) blocks, and it keeps reading, so
frames other nodes send meanwhile are not lost in the MCP2515's two receive
buffers. "On the bus" means some node acknowledged each frame; for a
message over 7 bytes the flow control proves the peer is there.
"""
import time
import isotp

NODE_BASE = 0x400  # node -> broker
BROKER_BASE = 0x500  # broker -> node
MAX_NODE = 127


def node_of(can_id):
    """The node number of a node -> broker id, or None."""
    nn = can_id - NODE_BASE
    return nn if 1 <= nn <= MAX_NODE else None


class CanLink:
    def __init__(self, can, out_id, peer_of, frame_timeout_ms=20, fc_timeout_ms=isotp.N_BS_MS, finish_ms=100):
        self._can = can
        self._out_id = out_id
        self._peer_of = peer_of
        self._frame_timeout = frame_timeout_ms
        self._fc_timeout = fc_timeout_ms
        self._finish = finish_ms
        self._rx = {}  # peer -> isotp.Receiver
        self._tx = {}  # peer -> (isotp.Sender, done) of the message in flight
        self._queue = {}  # peer -> [(message, done)] waiting for the one in flight
        self._released = []  # (peer, frames) a flow control released
        self._starting = False
        self._inbox = []
        self.sent = self.failed = 0

    def send(self, peer, data, done=None):
        """Queues one message to ``peer`` (sent after any still in flight to
        it); ``done(ok)`` is called once every frame is on the bus (True) or
        the flow control did not come or the bus refused a frame (False)."""
        self._queue.setdefault(peer, []).append((data, done))
        self._start_queued()

    def busy(self):
        """True while a message is in flight or queued (poll again soon)."""
        return bool(self._tx) or bool(self._queue)

    def _start_queued(self):
        if self._starting:
            return
        self._starting = True
        try:
            progress = True
            while progress:
                progress = False
                for peer in [peer for peer in self._queue if peer not in self._tx]:
                    waiting = self._queue[peer]
                    data, done = waiting.pop(0)
                    if not waiting:
                        del self._queue[peer]
                    sender = isotp.Sender(data, self._fc_timeout)
                    self._tx[peer] = (sender, done)
                    # wait for the first frame's ack too: unacknowledged, the bus is gone; fail now, not after N_Bs
                    ok = self._frames(peer, sender.start(time.ticks_ms())) and self._wait_ready()
                    if not ok or sender.state == isotp.DONE:
                        self._finish_tx(peer, ok)
                        progress = True
        finally:
            self._starting = False

    def _finish_tx(self, peer, ok):
        _, done = self._tx.pop(peer)
        if ok:
            self.sent += 1
        else:
            self.failed += 1
        if done is not None:
            done(ok)

    def poll(self):
        """Reads every frame waiting, sends what flow control released, times
        out what it must; returns [(peer, message)] completed since the last
        poll. A message begun stays read every ms (up to ``finish_ms``): its
        consecutive frames come 1 ms apart and the MCP2515 holds only two."""
        self._drain()
        self._push()
        deadline = time.ticks_add(time.ticks_ms(), self._finish)
        while any(rx.state == isotp.RECEIVING for rx in self._rx.values()) and time.ticks_diff(deadline, time.ticks_ms()) > 0:
            time.sleep_ms(1)
            self._drain()
            self._push()
        now = time.ticks_ms()
        for rx in self._rx.values():
            rx.poll(now)
        for peer in [peer for peer, (tx, _) in self._tx.items() if tx.poll(now) == isotp.FAILED]:
            self._finish_tx(peer, False)
        self._start_queued()
        out, self._inbox = self._inbox, []
        return out

    def _push(self):
        while self._released:
            peer, frames = self._released.pop(0)
            ok = self._frames(peer, frames)
            entry = self._tx.get(peer)
            if entry is not None and (not ok or entry[0].state == isotp.DONE):
                self._finish_tx(peer, ok and self._wait_ready())

    def _frames(self, peer, frames):
        for f in frames:
            if not self._wait_ready():
                return False
            self._can.send(self._out_id(peer), f)
        return True

    def _wait_ready(self):
        deadline = time.ticks_add(time.ticks_ms(), self._frame_timeout)
        while not self._can.ready():
            self._drain()
            if time.ticks_diff(deadline, time.ticks_ms()) <= 0:
                self._can.abort()
                return False
            time.sleep_ms(1)
        return True

    def _drain(self):
        """Files every received frame; frames a flow control released go to ``_released``."""
        while True:
            got = self._can.recv()
            if got is None:
                return
            can_id, frame = got
            peer = self._peer_of(can_id)
            if peer is None:
                continue
            now = time.ticks_ms()
            if isotp.kind(frame) == isotp.FC:
                entry = self._tx.get(peer)
                if entry is not None:
                    frames = entry[0].on_frame(frame, now)
                    if frames or entry[0].state != isotp.WAIT_FC:
                        self._released.append((peer, frames))
                continue
            rx = self._rx.get(peer)
            if rx is None:
                rx = self._rx[peer] = isotp.Receiver()
            message, reply = rx.on_frame(frame, now)
            if reply is not None and self._wait_ready():
                self._can.send(self._out_id(peer), reply)
            if message is not None:
                self._inbox.append((peer, message))

    def errors(self):
        """Messages dropped half-way by the receivers (gaps, timeouts)."""
        return sum(rx.errors for rx in self._rx.values())


def open_chip(settings):
    """The MCP2515 that ``settings`` wires: {"sck", "mosi", "miso", "cs"} GPIOs,
    optional "osc_hz" (its crystal, 8000000), "spi" (bus id, 2) and "baud"
    (SPI clock, 8000000); in configuration mode. OSError if no chip answers."""
    from machine import SPI, Pin
    from mcp2515 import MCP2515
    spi = SPI(settings.get("spi", 2), baudrate=settings.get("baud", 8000000),
              sck=Pin(settings["sck"]), mosi=Pin(settings["mosi"]), miso=Pin(settings["miso"]))
    return MCP2515(spi, Pin(settings["cs"], Pin.OUT, value=1), osc_hz=settings.get("osc_hz", 8000000))


def for_node(can, nn):
    """The link of CAN node ``nn``: sends 0x400 + nn, takes only 0x500 + nn (call before can.start())."""
    can.accept(0x7FF, (BROKER_BASE + nn,))
    return CanLink(can, lambda _: NODE_BASE + nn, lambda cid: 0 if cid == BROKER_BASE + nn else None)


def for_broker(can):
    """The broker's link: takes 0x401..0x47f from nodes, answers on 0x500 + nn (call before can.start())."""
    can.accept(0x780, (NODE_BASE,))
    return CanLink(can, lambda nn: BROKER_BASE + nn, node_of)
