"""A CAN node's side of its exchanges with the broker (PROTOCOL.md section 4,
"CAN nodes through the broker"), with the interface of node_link.Link, so a
listening node's app runs over CAN or ESP-NOW alike::

    link = can_node_link.start({"node": 5, "sck": 18, "mosi": 23, "miso": 19, "cs": 5}, 60, 3)
    receipt, retransmissions = link.exchange(payload, boot, seq)   # receipt None: never acknowledged
    link.commands            # COMMANDs that came while it waited for the RECEIPT
    link.listen(wait_ms)     # between exchanges: the COMMANDs that came (waits up to wait_ms for one)
    link.pump()              # reads the bus now (e.g. on the MCP2515's INT); True when a message waits

The broker is peer 0 on the bus: no discovery, no keys. A message is sent
again (same boot and seq) when no RECEIPT came within ``window_ms`` of its
last frame leaving, and at once when the bus refused it (no node
acknowledged its first frame), so with the bus gone a message costs
(retry_limit + 1) x 20 ms, about what a lost broker costs over ESP-NOW.
"""
import time
import espnow_proto as p
import can_link


class CanNodeLink:
    def __init__(self, link, window_ms, retry_limit):
        self.can = link  # can_link.CanLink
        self._window = window_ms
        self._limit = retry_limit
        self._inbox = []  # whole messages read from the bus, not yet looked at
        self.broker = None  # the broker is peer 0 of the bus; nothing to discover
        self.discovered = False
        self.commands = []
        self.errors = 0  # messages from the broker that did not decode

    def pump(self):
        """Reads every frame waiting; True when a whole message waits to be taken."""
        self._inbox += [data for _, data in self.can.poll()]
        return bool(self._inbox)

    def _take(self):
        self.pump()
        out = []
        for data in self._inbox:
            try:
                out.append(p.decode_message(data))
            except p.ProtocolError:
                self.errors += 1
        self._inbox = []
        return out

    def exchange(self, payload, boot, seq):
        """Sends ``payload`` until its RECEIPT arrives: (receipt Message or None, retransmissions)."""
        for attempt in range(self._limit + 1):
            outcome = []
            self.can.send(0, payload, outcome.append)
            receipt = self._wait_receipt(boot, seq, outcome)
            if receipt is not None:
                return receipt, attempt
        return None, self._limit

    def _wait_receipt(self, boot, seq, outcome):
        deadline = None
        while True:
            for msg in self._take():
                if msg.kind == p.COMMAND:
                    self.commands.append(msg)
                elif msg.kind == p.RECEIPT and msg.boot == boot and msg.seq == seq:
                    return msg
            if outcome:  # can_link says within N_Bs (1 s) whether the frames left
                if not outcome[0]:
                    return None
                now = time.ticks_ms()
                if deadline is None:
                    deadline = time.ticks_add(now, self._window)
                elif time.ticks_diff(deadline, now) <= 0:
                    return None
            time.sleep_ms(1)

    def listen(self, wait_ms):
        """COMMAND messages the broker sent since the last call; waits up to
        ``wait_ms`` (reading the bus every ms) for the first."""
        deadline = time.ticks_add(time.ticks_ms(), wait_ms)
        while True:
            out = [msg for msg in self._take() if msg.kind == p.COMMAND]
            if out or time.ticks_diff(deadline, time.ticks_ms()) <= 0:
                return out
            time.sleep_ms(1)


def start(settings, window_ms, retry_limit):
    """The link of CAN node ``settings["node"]`` (1..127) on the MCP2515 that
    ``settings`` wires (can_link.open_chip), in normal mode. OSError if no
    MCP2515 answers."""
    chip = can_link.open_chip(settings)
    link = can_link.for_node(chip, settings["node"])
    chip.start()
    return CanNodeLink(link, window_ms, retry_limit)
