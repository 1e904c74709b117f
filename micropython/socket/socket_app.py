"""The socket / PDU node: a listening node (its radio is always on) with 1 to
16 outlets, each a relay and a meter. It measures every MEASURE_MS, runs the
safety rules itself (channel.py), integrates energy, reports every interval
and at once on a change, and runs each COMMAND when it arrives::

    app = SocketApp(link, channels, dht, store, boot, wiring)   # socket_boot.build() makes one
    app.start()                       # power-on states, HELLO, first REPORT
    wait_ms = app.step(0)             # one loop turn; ms until it needs the next

``link`` is node_link.Link (ESP-NOW) or can_node_link.CanNodeLink (CAN,
``"link": "can"`` in socket.json; HELLO then sets capability bit 9).

Safety never waits for the radio: a turn measures and trips before it
listens or sends, and a broker that is gone only costs the turn its
retransmissions (about 40 ms per message over ESP-NOW, 80 ms over CAN).
"""
import time
import espnow_proto as p
import config as cfg
from listening_node import ListeningNode
from socket_commands import run_command
from socket_reports import encode, hello_records, pack, report_records

_MAX_DT_MS = 10000  # a longer gap between readings is not integrated (the node was stalled)


def _due(now, at):
    return time.ticks_diff(now, at) >= 0


class SocketApp(ListeningNode):
    def __init__(self, link, channels, dht, store, boot, wiring, rtc=None):
        super().__init__(link, boot, cfg.RECENT_COMMANDS)
        self.channels = channels
        self.dht = dht
        self.store = store
        self.interval = store.load_interval() or wiring.get("interval_s", cfg.DEFAULT_INTERVAL_S)
        self.min_interval = cfg.MIN_INTERVAL_S
        self.step_share = wiring.get("report_step", cfg.REPORT_STEP)
        self.hysteresis = int(wiring.get("humidity_hysteresis", cfg.HUMIDITY_HYSTERESIS) * 100 + 0.5)
        self.humidity = self.temperature = None
        self.dht_failed = False
        self.first = True
        self.clock_set = False
        self.over_can = wiring.get("link") == "can"
        self._rtc = rtc
        self._mask = None
        now = time.ticks_ms()
        self._last_measure = self._next_measure = self._next_dht = self._last_save = now
        self._next_report = time.ticks_add(now, self.interval * 1000)

    # --- what commands use ---------------------------------------------
    def channel(self, number):
        return self.channels[number - 1] if 1 <= number <= len(self.channels) else None

    def set_interval(self, s):
        self.interval = s
        self.store.save_interval(s)
        self._next_report = time.ticks_add(time.ticks_ms(), s * 1000)

    def save_settings(self):
        self.store.save_settings(self.channels)

    def save_relays(self):
        mask = sum(1 << i for i, c in enumerate(self.channels) if c.on)
        if mask != self._mask:
            self._mask = mask
            self.store.save_relays(self.channels)

    # --- start -----------------------------------------------------------
    def start(self):
        """Power-on states first, then a reading, HELLO and the first REPORT."""
        was = self.store.load_relays() or 0
        self._mask = was
        for i, ch in enumerate(self.channels):
            on = ch.power_on == p.POWER_ON_ON or (ch.power_on == p.POWER_ON_AS_IT_WAS and (was >> i) & 1)
            ch.switch(bool(on))
            ch.switched = False
        self.save_relays()
        self._read_dht(time.ticks_ms())
        self._measure(time.ticks_ms())
        head = [(p.R_FIRMWARE, cfg.FIRMWARE), (p.R_CAPABILITIES, self.capabilities()),
                (p.R_INTERVAL, self.interval), (p.R_STATUS, self.status())]
        for records, tail in pack(head, [encode(hello_records(c)) for c in self.channels]):
            self.send(p.HELLO, records, tail)
        self._report(self.channels)
        self.answer()

    def capabilities(self):
        caps = p.CAP_RELAY | p.CAP_LISTENING
        if any(c.meter is not None for c in self.channels):
            caps |= p.CAP_POWER_METER
        if self.dht is not None:
            caps |= p.CAP_ENVIRONMENT
        if self.over_can:
            caps |= p.CAP_CAN
        return caps

    def status(self):
        bits = p.ST_FIRST_AFTER_BOOT if self.first else 0
        if any(c.trip for c in self.channels):
            bits |= p.ST_TRIP_ACTIVE
        if self.dht_failed:
            bits |= p.ST_ENV_FAILED
        if self.clock_set:
            bits |= p.ST_CLOCK_SET
        return bits

    # --- one loop turn -----------------------------------------------------
    def busy(self):
        return False

    def step(self, wait_ms=0):
        now = time.ticks_ms()
        if self.dht is not None and _due(now, self._next_dht):
            self._read_dht(now)
        if _due(now, self._next_measure):
            self._measure(now)
        for ch in self.channels:
            if ch.off_at is not None and _due(now, ch.off_at):
                ch.switch(False)
        self.save_relays()
        self.listen(wait_ms)
        self.answer()
        now = time.ticks_ms()
        if _due(now, self._next_report):
            self._next_report = time.ticks_add(now, self.interval * 1000)
            self._report(self.channels)
        else:
            changed = [c for c in self.channels if c.switched or c.trip_news is not None
                       or c.power_step(self.step_share, cfg.STEP_FLOOR_W * 10)]
            if changed:
                self._report(changed)
        self._save_energy(now)
        return self._wait_ms()

    def run(self):
        wait = 0
        while True:
            wait = self.step(wait)

    def _wait_ms(self):
        now = time.ticks_ms()
        at = [self._next_measure, self._next_report] + [c.off_at for c in self.channels if c.off_at is not None]
        if self.dht is not None:
            at.append(self._next_dht)
        return max(0, min(time.ticks_diff(t, now) for t in at))

    # --- measuring ---------------------------------------------------------
    def _read_dht(self, now):
        self._next_dht = time.ticks_add(now, cfg.DHT_MS)
        if self.dht is None:
            return
        got = self.dht.read()
        self.dht_failed = got is None
        self.temperature, self.humidity = (None, None) if got is None else got
        for ch in self.channels:
            ch.check_humidity(self.humidity, self.hysteresis)

    def _measure(self, now):
        dt = time.ticks_diff(now, self._last_measure)
        self._last_measure = now
        self._next_measure = time.ticks_add(now, cfg.MEASURE_MS)
        dt = dt if 0 <= dt <= _MAX_DT_MS else 0
        for ch in self.channels:
            ch.measure(dt)

    def _save_energy(self, now):
        if time.ticks_diff(now, self._last_save) < cfg.ENERGY_SAVE_S * 1000:
            return
        if any(c.wh > c.saved_wh for c in self.channels):
            self._last_save = now
            self.store.save_energy(self.channels)
            for c in self.channels:
                c.saved_wh = c.wh

    # --- radio -----------------------------------------------------------------
    def run_command(self, ident, records, unknown):
        return run_command(self, ident, records, unknown)

    def took_receipt(self, receipt):
        unix = receipt.get(p.R_TIME)
        if unix is not None and self._rtc is not None:
            t = time.gmtime(unix - (0 if time.gmtime(0)[0] == 1970 else 946684800))
            self._rtc.datetime((t[0], t[1], t[2], t[6], t[3], t[4], t[5], 0))
            self.clock_set = True

    def _report(self, channels):
        head = [(p.R_STATUS, self.status()), (p.R_INTERVAL, self.interval)]
        if self.temperature is not None:
            head += [(p.R_TEMPERATURE, self.temperature), (p.R_HUMIDITY, self.humidity)]
        for records, tail in pack(head, [encode(report_records(c)) for c in channels]):
            self.send(p.REPORT, records, tail)
        self.first = False
        for c in channels:
            c.switched = False
            c.trip_news = None
            c.reported_dw = None if c.reading is None else c.reading[2]

