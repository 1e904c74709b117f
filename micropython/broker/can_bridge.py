"""The broker's CAN side (PROTOCOL.md section 4, "CAN nodes through the
broker"): an MCP2515 on SPI bridges a CAN 2.0A bus at 125 kbit/s to the same
serial lines as the radio. Node ``nn`` (1..127) sends on id 0x400 + nn and
appears as MAC 02:ca:00:00:00:nn; each message is ISO-TP segmented
(can_link.py). Turned on by ``CAN`` in config.py::

    bridge = start(broker)            # from broker_app.build() when cfg.CAN is set
    bridge.poll()                     # each loop turn: RX lines, RECEIPTs
    bridge.owns(mac)                  # a TX line for a CAN node?
    bridge.send(ident, mac, payload)  # over CAN; TXR sent or failed when it is known

CAN nodes are listening nodes: a COMMAND goes out at once (``sent`` once
every frame is on the bus and, for a message over 7 bytes, the node's flow
control came; ``failed`` otherwise), nothing is queued. A node's REPORT,
HELLO and RESULT get a RECEIPT over CAN like over the radio (same boot and
seq, the time), and a repeat of the same (boot, seq) no second RX line.
"""
import espnow_proto as p
import can_link

MAC_PREFIX = b"\x02\xca\x00\x00\x00"


def mac_of(nn):
    return MAC_PREFIX + bytes((nn,))


class CanBridge:
    def __init__(self, broker, link):
        self._broker = broker
        self.link = link
        self.rx = self.tx = self.tx_failed = 0

    def owns(self, mac):
        return mac[:5] == MAC_PREFIX and 1 <= mac[5] <= can_link.MAX_NODE

    def poll(self):
        for nn, data in self.link.poll():
            self.rx += 1
            self._on_message(nn, data)

    def _on_message(self, nn, data):
        self._broker.heard(mac_of(nn), "", data, self._receipt)

    def _receipt(self, mac, msg):
        now = self._broker.unix_time()
        records = [] if now is None else [(p.R_TIME, now)]
        self._send(mac[5], p.encode_message(p.RECEIPT, msg.boot, msg.seq, records))

    def _send(self, nn, payload, then=None):
        def done(ok):
            self.tx += 1
            if not ok:
                self.tx_failed += 1
            if then is not None:
                then(ok)
        self.link.send(nn, payload, done)

    def send(self, ident, mac, payload):
        """A TX line for a CAN node: the message goes out now; TXR sent or failed
        once it is on the bus or has failed (later loop turns for a long one)."""
        try:
            p.decode_message(payload)
        except p.ProtocolError:
            self._broker._line("TXR", (str(ident), "invalid"))
            return
        self._send(mac[5], payload, lambda ok: self._broker._line("TXR", (str(ident), "sent" if ok else "failed")))


def start(broker, settings):
    """The MCP2515 from ``settings`` (config.CAN), in normal mode, and its bridge."""
    can = can_link.open_chip(settings)
    link = can_link.for_broker(can)
    can.start()
    return CanBridge(broker, link)
