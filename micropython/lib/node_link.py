"""The node's side of one radio exchange: send a message, wait for the
broker's RECEIPT, retransmit as PROTOCOL.md says (same boot and seq, up to the
retry limit). With no broker known it broadcasts and adopts the first broker
that answers::

    link = Link(esp, broker_mac_or_None, window_ms=60, retry_limit=3)
    link = node_link.start("espnow.json", "paired.json", 60, 3)   # a listening node: radio on, paired
    receipt, retransmissions = link.exchange(payload, boot, seq)   # receipt None: never acknowledged
    link.broker        # the broker's MAC (found by discovery if it was None)
    link.commands      # COMMAND messages the broker sent directly while we listened
    link.listen(wait_ms)   # a listening node between exchanges: the COMMANDs that came

can_node_link.CanNodeLink has the same interface for a node on CAN.
"""
import time
import espnow_proto as p
from pairing import load_pairing, save_paired

BROADCAST = b"\xff" * 6
_NO_ACK_BACKOFF_MS = 8  # a unicast without MAC ack never arrived: retry soon, not after the window


class Link:
    def __init__(self, esp, broker, window_ms, retry_limit, lmk=None, paired_path=None):
        self._esp = self.esp = esp
        self.broker = broker
        self._paired_path = paired_path  # where a broker found by discovery is kept
        self._window = window_ms
        self._limit = retry_limit
        self.commands = []
        self.discovered = False
        self.errors = 0  # messages from the broker that did not decode
        if broker is None:
            self._add(BROADCAST, None)
        else:
            self._add(broker, lmk)

    def _add(self, mac, lmk):
        try:
            self._esp.get_peer(mac)
        except OSError:
            if lmk:
                self._esp.add_peer(mac, lmk, encrypt=True)
            else:
                self._esp.add_peer(mac)

    def exchange(self, payload, boot, seq):
        """Sends ``payload`` until its RECEIPT arrives: (receipt Message or None, retransmissions)."""
        for attempt in range(self._limit + 1):
            dest = self.broker or BROADCAST
            if not self._esp.send(dest, payload, True) and dest != BROADCAST:
                time.sleep_ms(_NO_ACK_BACKOFF_MS)
                continue
            receipt = self._wait_receipt(boot, seq)
            if receipt is not None:
                return receipt, attempt
        return None, self._limit

    def _wait_receipt(self, boot, seq):
        deadline = time.ticks_add(time.ticks_ms(), self._window)
        while True:
            left = time.ticks_diff(deadline, time.ticks_ms())
            if left <= 0:
                return None
            mac, data = self._esp.recv(left)
            if mac is None:
                return None
            if self.broker is not None and mac != self.broker:
                continue
            try:
                msg = p.decode_message(data)
            except p.ProtocolError:
                continue
            if msg.kind == p.COMMAND:
                self.commands.append(msg)
            elif msg.kind == p.RECEIPT and msg.boot == boot and msg.seq == seq:
                if self.broker is None:
                    self.broker = bytes(mac)
                    self.discovered = True
                    self._add(self.broker, None)
                    if self._paired_path:
                        save_paired(self._paired_path, self.broker)
                return msg

    def listen(self, wait_ms, most=8):
        """COMMAND messages the broker sent straight to us (a listening node),
        at most ``most``; waits up to ``wait_ms`` for the first."""
        out = []
        for i in range(most):
            mac, data = self._esp.recv(wait_ms if i == 0 else 0)
            if mac is None:
                break
            if self.broker is not None and bytes(mac) != self.broker:
                continue
            try:
                msg = p.decode_message(data)
            except p.ProtocolError:
                self.errors += 1
                continue
            if msg.kind == p.COMMAND:
                out.append(msg)
        return out


def start(pairing_path, paired_path, window_ms, retry_limit):
    """The Link of a listening node (radio always on, no modem sleep) to the
    broker its pairing file names or discovery finds (then kept in
    ``paired_path``); ValueError naming the file and key for a bad pairing."""
    import espnow
    import network
    broker, wifi_channel, lmk, pmk = load_pairing(pairing_path, paired_path)
    sta = network.WLAN(network.STA_IF)
    sta.active(True)
    sta.config(channel=wifi_channel)
    pm = getattr(network.WLAN, "PM_NONE", None)
    if pm is not None:
        sta.config(pm=pm)  # a listening node keeps its receiver on
    sta.disconnect()
    esp = espnow.ESPNow()
    esp.active(True)
    if pmk:
        esp.set_pmk(pmk)
    return Link(esp, broker, window_ms, retry_limit, lmk, paired_path)
