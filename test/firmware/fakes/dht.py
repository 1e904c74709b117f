"""Fake ``dht`` (MicroPython's DHT11/DHT22 driver): the device's
``dht[pin]`` holds (degC, %RH) or None for a sensor that does not answer.
A measure sooner than the sensor's minimum period (DHT22 2 s, DHT11 1 s)
times out, as the real sensor does not answer then; readings are rounded to
the sensor's resolution (DHT22 0.1, DHT11 1)."""
import sim


class _Dht:
    PERIOD_MS = 2000
    STEP = 0.1

    def __init__(self, pin):
        self._dev = sim.current()
        self._pin = pin.id if hasattr(pin, "id") else pin
        self._at = None
        self._t = self._h = None

    def measure(self):
        now = sim.world().now
        value = getattr(self._dev, "dht", {}).get(self._pin)
        if value is None or (self._at is not None and now - self._at < self.PERIOD_MS):
            raise OSError(110)  # ETIMEDOUT
        self._at = now
        self._t = round(value[0] / self.STEP) * self.STEP
        self._h = round(value[1] / self.STEP) * self.STEP
        self._dev.dht_reads = getattr(self._dev, "dht_reads", 0) + 1

    def temperature(self):
        return self._t

    def humidity(self):
        return self._h


class DHT22(_Dht):
    pass


class DHT11(_Dht):
    PERIOD_MS = 1000
    STEP = 1
