"""One outlet of a socket / PDU node: its relay, its last reading, its
energy counter and the safety rules that run on the node itself::

    ch = Channel(2, relay, meter, power_on=0, current_limit_ma=10000, humidity_limit=7000)
    ch.measure(dt_ms)                      # reads the meter, integrates energy, over-current rule
    ch.check_humidity(centi_rh, hyst)      # humidity rule
    ch.switch(True)                        # False when a safety rule blocks it

Over-current: above the limit for two measurements in a row opens the relay
(trip 1); over-power likewise above ``power_limit`` (trip 2; from
``max_w`` in socket.json, the outlet's rating: the protocol has no record
to set it); a later relay-on command clears either trip. Humidity: above the limit
opens the relay (trip 3); the trip clears by itself once the humidity is
``hyst`` below the limit, and until then the relay cannot be switched on.
"""
import espnow_proto as p

WH = 36000000  # 0.1 W x ms in one Wh


class Channel:
    def __init__(self, number, relay, meter, power_on=0, current_limit=0, humidity_limit=0):
        self.number = number
        self.relay = relay
        self.meter = meter
        self.power_on = power_on
        self.current_limit = current_limit  # mA, 0 = none
        self.humidity_limit = humidity_limit  # 0.01 %RH, 0 = none
        self.power_limit = 0  # 0.1 W, 0 = none (socket.json max_w)
        self.on = False
        self.trip = p.TRIP_CLEARED  # active trip
        self.trip_news = None  # a trip code (or 0 = cleared) not reported yet
        self.over = 0  # measurements in a row above the current limit
        self.over_w = 0  # measurements in a row above the power limit
        self.off_at = None  # ticks ms when an auto-off timer opens the relay
        self.reading = None  # (0.01 V, mA, 0.1 W) of the last measurement, None if it failed
        self.reported_dw = None  # power in the last report, 0.1 W
        self.wh = 0  # energy, whole Wh
        self.acc = 0  # energy below one Wh, 0.1 W x ms
        self.saved_wh = 0  # Wh on flash: the value reports carry, so it never goes backwards
        self.switched = False  # relay changed since the last report

    def switch(self, on, blocked=False):
        """Sets the relay; False (relay left as it is) when ``on`` is blocked by a safety rule."""
        if on and blocked:
            return False
        if on and self.trip in (p.TRIP_OVER_CURRENT, p.TRIP_OVER_POWER):
            self._set_trip(p.TRIP_CLEARED)
        self.relay.set(on)
        if on != self.on:
            self.switched = True
        self.on = on
        if not on:
            self.off_at = None
        return True

    def _set_trip(self, code):
        self.trip = code
        self.trip_news = code

    def _trip_off(self, code):
        self.switch(False)
        self._set_trip(code)

    def measure(self, dt_ms):
        """One meter reading: energy since the last one (trapezoid-free: the new
        power times ``dt_ms``), then the over-current and over-power rules."""
        self.reading = r = None if self.meter is None else self.meter.read()
        if r is None:
            return
        if r[2] > 0:
            self.acc += r[2] * dt_ms
            if self.acc >= WH:
                self.wh += self.acc // WH
                self.acc %= WH
        self.over = self.over + 1 if self.current_limit and abs(r[1]) > self.current_limit else 0
        self.over_w = self.over_w + 1 if self.power_limit and abs(r[2]) > self.power_limit else 0
        if self.on and self.over >= 2:
            self._trip_off(p.TRIP_OVER_CURRENT)
        elif self.on and self.over_w >= 2:
            self._trip_off(p.TRIP_OVER_POWER)

    def humidity_blocks(self, centi_rh, hyst):
        """True while the humidity rule forbids switching on."""
        lim = self.humidity_limit
        if not lim or centi_rh is None:
            return bool(lim) and self.trip == p.TRIP_HUMIDITY
        return centi_rh > lim or (self.trip == p.TRIP_HUMIDITY and centi_rh > lim - hyst)

    def check_humidity(self, centi_rh, hyst):
        lim = self.humidity_limit
        if centi_rh is None or not lim:
            if not lim and self.trip == p.TRIP_HUMIDITY:
                self._set_trip(p.TRIP_CLEARED)  # the limit was removed
            return
        if centi_rh > lim and self.on:
            self._trip_off(p.TRIP_HUMIDITY)
        elif self.trip == p.TRIP_HUMIDITY and centi_rh <= lim - hyst:
            self._set_trip(p.TRIP_CLEARED)

    def power_step(self, share, floor_dw):
        """True when the power moved by more than ``share`` of the last reported power."""
        if self.reading is None:
            return False
        now = self.reading[2]
        if self.reported_dw is None:
            return False
        return abs(now - self.reported_dw) > max(share * abs(self.reported_dw), floor_dw)

    def settings(self):
        return self.power_on, self.current_limit, self.humidity_limit
