"""Radio messages over CAN (PROTOCOL.md section 4, "CAN nodes through the
broker"): ISO-TP on an MCP2515, node ``nn`` (1..127) sending with id
0x400 + nn, the broker with 0x500 + nn::

    link = can_link.for_node(can, 5)          # a CAN node; peer 0 is the broker
    link = can_link.for_broker(can)           # the broker; peers are node numbers
    ok = link.send(peer, message)             # blocks until every frame is on the bus (False: no flow control, bus error)
    for peer, message in link.poll(): ...     # complete messages received since the last poll

``send`` keeps reading while it waits (for TXB0, for the flow control), so
frames other nodes send meanwhile are not lost in the MCP2515's two
receive buffers. "On the bus" means some node acknowledged each frame; for
a message longer than 7 bytes the flow control proves the peer is there.
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
    def __init__(self, can, out_id, peer_of, frame_timeout_ms=20, fc_timeout_ms=isotp.N_BS_MS):
        self._can = can
        self._out_id = out_id
        self._peer_of = peer_of
        self._frame_timeout = frame_timeout_ms
        self._fc_timeout = fc_timeout_ms
        self._rx = {}  # peer -> isotp.Receiver
        self._waiting = None  # (peer, isotp.Sender) while a send waits for its flow control
        self._released = []  # frames a flow control released, not sent yet
        self._inbox = []
        self.sent = self.failed = 0

    def send(self, peer, data):
        """Sends one message to ``peer``; True once all its frames are on the bus."""
        sender = isotp.Sender(data, self._fc_timeout)
        ok = self._frames(peer, sender.start(time.ticks_ms()))
        self._waiting = (peer, sender)
        try:
            while ok and (sender.state == isotp.WAIT_FC or self._released):
                self._drain()
                if self._released:
                    more, self._released = self._released, []
                    ok = self._frames(peer, more)
                elif sender.poll(time.ticks_ms()) == isotp.WAIT_FC:
                    time.sleep_ms(1)
            ok = ok and sender.state == isotp.DONE and self._wait_ready()
        finally:
            self._waiting = None
            self._released = []
        if ok:
            self.sent += 1
        else:
            self.failed += 1
        return ok

    def poll(self):
        """Reads every frame waiting; returns [(peer, message)] completed since the last poll."""
        self._drain()
        now = time.ticks_ms()
        for rx in self._rx.values():
            rx.poll(now)
        out, self._inbox = self._inbox, []
        return out

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
                if self._waiting is not None and self._waiting[0] == peer:
                    self._released += self._waiting[1].on_frame(frame, now)
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


def for_node(can, nn):
    """The link of CAN node ``nn``: sends 0x400 + nn, takes only 0x500 + nn (call before can.start())."""
    can.accept(0x7FF, (BROKER_BASE + nn,))
    return CanLink(can, lambda _: NODE_BASE + nn, lambda cid: 0 if cid == BROKER_BASE + nn else None)


def for_broker(can):
    """The broker's link: takes 0x401..0x47f from nodes, answers on 0x500 + nn (call before can.start())."""
    can.accept(0x780, (NODE_BASE,))
    return CanLink(can, lambda nn: BROKER_BASE + nn, node_of)
