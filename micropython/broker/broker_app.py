"""The ESP-NOW broker: hears every node on its channel, acknowledges each
message with a RECEIPT (time and held commands inside), and speaks the serial
lines of PROTOCOL.md section 2 with the gateway::

    import broker_app
    broker_app.main()                    # on the device: never returns

    app = broker_app.build(port)         # tests: any UART-like port
    app.step(0)                          # one loop turn, waiting at most 0 ms for radio

A node whose HELLO set capability bit 5 (listening) since this broker booted
gets a COMMAND at once (TXR sent, or failed after DIRECT_TRIES sends without
a radio ack); every other node is sleepy: its COMMANDs are held (TXR queued)
and ride in the RECEIPT of its next message (PROTOCOL.md section 4).

One loop turn handles at most RADIO_PER_STEP radio messages, reads at most
SERIAL_IN_PER_STEP bytes from the gateway and writes only what the UART can
take, so neither a burst, garbage input nor a full line stalls the radio.
"""
import time
import network
import espnow
import config as cfg
import espnow_proto as p
from binascii import unhexlify
from command_queue import CommandQueue
from serial_link import SerialLink

_ACKED_KINDS = (p.REPORT, p.HELLO, p.RESULT)
_RECENT = 4  # (boot, seq) pairs remembered per node


class Broker:
    def __init__(self, esp, mac, port):
        self.esp = esp
        self.mac = mac
        self.link = SerialLink(port, cfg.BAUD, cfg.UART_TX_FIFO, cfg.UART_QUEUE_BYTES)
        self.queue = CommandQueue(cfg.QUEUE_PER_NODE, cfg.QUEUE_NODES, cfg.COMMAND_TTL_S * 1000)
        self.rx = self.tx = self.tx_failed = 0
        self.keys = {unhexlify(m): unhexlify(k) for m, k in cfg.NODE_KEYS.items()}
        self._peers = []  # unencrypted peers, least recently used first
        self._recent = {}  # mac -> [(boot, seq)], newest last
        self._listening = []  # MACs whose last HELLO set bit 5, least recently heard first
        self._clock = None  # (unix s, ticks ms) from the last TIME line
        self._last = time.ticks_ms()
        self._uptime_ms = 0
        self._hb_ms = 0
        self._expiry_ms = 0
        self.errors = 0
        self.can = None  # can_bridge.CanBridge when config.CAN is set

    def start(self):
        for mac, lmk in self.keys.items():
            self.esp.add_peer(mac, lmk, encrypt=True)
        self._line("BOOT", (cfg.FIRMWARE, p.mac_hex(self.mac), str(cfg.CHANNEL)))

    # --- one loop turn -------------------------------------------------
    def step(self, wait_ms):
        if self.busy():
            wait_ms = 0
        for i in range(cfg.RADIO_PER_STEP):
            mac, data = self.esp.recv(wait_ms if i == 0 else 0)
            if mac is None:
                break
            self._guard(self._on_radio, bytes(mac), bytes(data))
        if self.can is not None:
            self._guard(self.can.poll)
        for line in self.link.poll_lines(cfg.SERIAL_IN_PER_STEP):
            self._guard(self._on_line, line)
        self._housekeeping()
        self.link.pump()

    def busy(self):
        """True while serial output waits for the line or gateway input waits to be read."""
        return self.link.pending() > 0 or self.link.input_waiting()

    def run(self):
        while True:
            self.step(5)

    def _guard(self, fn, *args):
        try:
            fn(*args)
        except Exception:  # one bad message must not stop the broker; counted, not printed
            self.errors += 1

    def _line(self, tag, fields, droppable=False):
        return self.link.send(p.encode_line(tag, fields), droppable)

    # --- radio ---------------------------------------------------------
    def _on_radio(self, mac, data):
        self.rx += 1
        entry = self.esp.peers_table.get(mac)
        self.heard(mac, "" if entry is None else str(entry[0]), data, self._receipt)

    def heard(self, mac, rssi, data, receipt):
        """A message from a node (radio or CAN bridge): ``receipt(mac, msg)``
        answers a REPORT, HELLO or RESULT; an RX line unless it is a repeat."""
        try:
            msg = p.decode_message(data)
        except p.ProtocolError:
            msg = None
        duplicate = False
        if msg is not None and msg.kind in _ACKED_KINDS:
            duplicate = self._seen(mac, msg.boot, msg.seq)
            if msg.kind == p.HELLO:
                self._hello(mac, msg.get(p.R_CAPABILITIES, 0))
            receipt(mac, msg)
        if not duplicate:
            self._line("RX", (p.mac_hex(mac), rssi, p.to_hex(data)), droppable=True)

    def _hello(self, mac, caps):
        if mac in self._listening:
            self._listening.remove(mac)
        if caps & p.CAP_LISTENING:
            if len(self._listening) >= cfg.LISTENING_NODES:
                self._listening.pop(0)
            self._listening.append(mac)

    def _seen(self, mac, boot, seq):
        recent = self._recent.get(mac)
        if recent is None:
            if len(self._recent) >= cfg.DEDUP_NODES:
                self._recent.pop(next(iter(self._recent)))
            recent = self._recent[mac] = []
        if (boot, seq) in recent:
            return True
        recent.append((boot, seq))
        if len(recent) > _RECENT:
            recent.pop(0)
        return False

    def _receipt(self, mac, msg):
        records = []
        now = self.unix_time()
        if now is not None:
            records.append((p.R_TIME, now))
        room = p.MAX_MESSAGE - p.HEADER_LEN - 6 * len(records)
        tail, ids = self.queue.take(mac, room)
        ok = self._send(mac, p.encode_message(p.RECEIPT, msg.boot, msg.seq, records, tail))
        if ok and ids:
            self.queue.done(mac, ids)
            for ident in ids:
                self._line("TXR", (str(ident), "delivered"))

    def _peer(self, mac):
        if mac in self.keys:
            return
        if mac in self._peers:
            self._peers.remove(mac)
        else:
            if len(self._peers) + len(self.keys) >= cfg.MAX_PEERS:
                self.esp.del_peer(self._peers.pop(0))
            try:
                self.esp.add_peer(mac)
            except OSError:  # already a peer (e.g. after a soft reset)
                pass
        self._peers.append(mac)

    def _send(self, mac, payload, count_failure=True):
        self._peer(mac)
        try:
            ok = self.esp.send(mac, payload, True)
        except OSError:
            ok = False
        if ok or count_failure:
            self.tx += 1
        if not ok and count_failure:
            self.tx_failed += 1
        return ok

    # --- serial input --------------------------------------------------
    def _on_line(self, line):
        try:
            tag, fields = p.decode_line(line)
        except p.ProtocolError:
            return  # not a frame: console noise, ignored
        try:
            cmd = p.parse_gateway_frame(tag, fields)
        except p.ProtocolError:
            if tag == "TX" and fields and fields[0].isdigit() and 1 <= int(fields[0]) <= 0xFFFF:
                self._line("TXR", (str(int(fields[0])), "invalid"))
            return
        if cmd[0] == "TIME":
            self._clock = (cmd[1], time.ticks_ms())
        else:
            self._on_tx(cmd[1], cmd[2], cmd[3])

    def _on_tx(self, ident, mac, payload):
        if self.can is not None and self.can.owns(mac):
            self.can.send(ident, mac, payload)
            return
        try:
            msg = p.decode_message(payload)
        except p.ProtocolError:
            self._line("TXR", (str(ident), "invalid"))
            return
        if msg.kind != p.COMMAND:
            status = "sent" if self._send(mac, payload) else "failed"
        elif mac in self._listening:
            status = "sent" if self._send_direct(mac, payload) else "failed"
        elif self.queue.put(mac, ident, payload[p.HEADER_LEN:], time.ticks_ms()):
            status = "queued"
        else:
            status = "failed"
        self._line("TXR", (str(ident), status))

    def _send_direct(self, mac, payload):
        """A COMMAND to a listening node, sent up to DIRECT_TRIES times until
        the radio acks it (a failure is counted once)."""
        for i in range(cfg.DIRECT_TRIES):
            if self._send(mac, payload, count_failure=i == cfg.DIRECT_TRIES - 1):
                return True
        return False

    # --- time ----------------------------------------------------------
    def unix_time(self):
        """Unix seconds from the gateway's last TIME line, or None before the first."""
        if self._clock is None:
            return None
        unix, at = self._clock
        return unix + time.ticks_diff(time.ticks_ms(), at) // 1000

    def _housekeeping(self):
        now = time.ticks_ms()
        elapsed = time.ticks_diff(now, self._last)
        if elapsed < 1000:
            return
        self._last = now
        self._uptime_ms += elapsed
        if self._clock is not None:  # re-base so ticks_ms wrapping (12.4 days) never matters
            unix, at = self._clock
            whole = time.ticks_diff(now, at) // 1000
            self._clock = (unix + whole, time.ticks_add(at, whole * 1000))
        for ident in self.queue.expire(now):
            self._line("TXR", (str(ident), "expired"))
        if self._uptime_ms - self._hb_ms >= cfg.HB_INTERVAL_S * 1000:
            self._hb_ms = self._uptime_ms
            dropped = self.esp.stats()[4] + self.link.dropped
            self._line("HB", tuple(str(v) for v in (
                self._uptime_ms // 1000, self.rx, dropped, self.tx, self.tx_failed, self.queue.count)))


def build(port):
    """A started Broker on the radio, talking to the gateway over ``port``."""
    sta = network.WLAN(network.STA_IF)
    sta.active(True)
    sta.config(channel=cfg.CHANNEL)
    pm = getattr(network.WLAN, "PM_NONE", None)
    if pm is not None:
        sta.config(pm=pm)  # no modem sleep: the radio listens all the time
    sta.disconnect()
    esp = espnow.ESPNow()
    esp.config(rxbuf=cfg.RXBUF)  # the buffer is allocated by active(True)
    esp.active(True)
    if cfg.PMK:
        esp.set_pmk(unhexlify(cfg.PMK))
    app = Broker(esp, sta.config("mac"), port)
    app.start()
    if cfg.CAN:
        import can_bridge
        try:
            app.can = can_bridge.start(app, cfg.CAN)
        except OSError as e:  # no MCP2515: the radio side still runs; said once as console text
            app.link.send(("can: %s\n" % e).encode())
    return app


def main():
    import micropython
    from usb_stdio import UsbStdio
    micropython.kbd_intr(-1)  # the gateway's bytes are data: a stray 0x03 must not stop us
    build(UsbStdio()).run()
