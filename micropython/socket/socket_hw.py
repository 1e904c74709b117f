"""Builds a socket's hardware from its checked wiring (socket_config.py):
relays on GPIOs or MCP23017 pins, meters (INA219, INA3221 input, ACS712 +
ZMPT101B mains pair) and the DHT11/DHT22::

    relays, meters, dht = build_hardware(wiring)
    relays[i].set(True)
    meters[i].read()       # (0.01 V, mA, 0.1 W) or None while the chip does not answer
    dht.read()             # (0.01 degC, 0.01 %RH) or None

A meter that fails at boot or later is built again on its next read, so a
chip that comes back is used again without a reboot.
"""
from machine import ADC, I2C, Pin


class PinRelay:
    """A relay driver on a GPIO; the pin is an output at the off level from the start."""

    def __init__(self, pin, active_low=False):
        self._low = bool(active_low)
        self._pin = Pin(pin, Pin.OUT, value=int(self._low))

    def set(self, on):
        self._pin.value(int(bool(on) != self._low))


class ExpanderRelay:
    """A relay driver on pin 0..15 of an MCP23017."""

    def __init__(self, expander, pin, active_low=False):
        self._io = expander
        self._pin = pin
        self._low = bool(active_low)

    def set(self, on):
        self._io.output(self._pin, int(bool(on) != self._low))


def _round(num, den):
    return (2 * num + den) // (2 * den) if num >= 0 else -((-2 * num + den) // (2 * den))


class Meter:
    """One channel's meter: ``make()`` builds the driver, ``convert(driver)``
    reads it as (0.01 V, mA, 0.1 W)."""

    def __init__(self, make, convert):
        self._make = make
        self._convert = convert
        self._driver = None
        self.errors = 0

    def read(self):
        try:
            if self._driver is None:
                self._driver = self._make()
            return self._convert(self._driver)
        except (OSError, ValueError):
            self.errors += 1
            self._driver = None
            return None


def _from_ina(mv, ua, uw):
    return _round(mv, 10), _round(ua, 1000), _round(uw, 100000)


def _make_meter(m, buses, shared):
    kind = m["type"]
    if kind == "ina219":
        from ina219 import INA219
        return Meter(lambda: INA219(buses[m["bus"]], m["addr"], m["shunt_mohm"], m.get("max_ma", 3200)),
                     lambda d: _from_ina(*d.read()))
    if kind == "ina3221":
        from ina3221 import INA3221
        key = (m["bus"], m["addr"])

        def make():  # the three inputs of one chip share one driver
            if key not in shared:
                shared[key] = INA3221(buses[m["bus"]], m["addr"])
            return shared[key]

        def convert(d):
            try:
                return _from_ina(*d.read(m["input"], m["shunt_mohm"]))
            except OSError:
                shared.pop(key, None)
                raise
        return Meter(make, convert)
    from mains_meter import MainsMeter

    def make_mains():
        adc_v = ADC(Pin(m["voltage_pin"]), atten=ADC.ATTN_11DB)
        adc_i = ADC(Pin(m["current_pin"]), atten=ADC.ATTN_11DB)
        return MainsMeter(adc_v, adc_i, m["v_zero_mv"], m["volts_per_mv"], m["i_zero_mv"], m["mv_per_a"], m.get("hz", 50))

    def convert_mains(d):
        v, a, w = d.read()
        return int(v * 100 + 0.5), int(a * 1000 + 0.5), int(w * 10 + (0.5 if w >= 0 else -0.5))
    return Meter(make_mains, convert_mains)


class Dht:
    """The socket's DHT11 / DHT22 through MicroPython's ``dht`` module."""

    def __init__(self, pin, kind):
        import dht
        self._sensor = (dht.DHT22 if kind == "dht22" else dht.DHT11)(Pin(pin))
        self.errors = 0

    def read(self):
        try:
            self._sensor.measure()
            return int(self._sensor.temperature() * 100 + 0.5), int(self._sensor.humidity() * 100 + 0.5)
        except OSError:
            self.errors += 1
            return None


def build_hardware(wiring):
    """(relays, meters (None for a channel without one), dht or None)."""
    buses = [I2C(i, scl=Pin(b["scl"]), sda=Pin(b["sda"]), freq=b.get("freq", 400000))
             for i, b in enumerate(wiring.get("i2c", []))]
    expanders = []
    if wiring.get("expanders"):
        from mcp23017 import MCP23017
        expanders = [MCP23017(buses[e["bus"]], e["addr"]) for e in wiring["expanders"]]
    relays, meters, shared = [], [], {}
    for ch in wiring["channels"]:
        r = ch["relay"]
        if "expander" in r:
            relays.append(ExpanderRelay(expanders[r["expander"]], r["pin"], r.get("active_low", False)))
        else:
            relays.append(PinRelay(r["pin"], r.get("active_low", False)))
        meters.append(_make_meter(ch["meter"], buses, shared) if ch.get("meter") else None)
    dht = wiring.get("dht")
    return relays, meters, (Dht(dht["pin"], dht["type"]) if dht else None)
