"""Fake ``machine`` for the simulated devices: Pin, I2C/SoftI2C (buses found by
their SCL/SDA pins, so wrong wiring finds no chip), ADC, RTC (memory survives
deep sleep), reset_cause, deepsleep (unwinds to the world), unique_id."""
import sim

PWRON_RESET = 1
HARD_RESET = 2
WDT_RESET = 3
DEEPSLEEP_RESET = 4
SOFT_RESET = 5
BROWNOUT_RESET = 6  # not on the ESP32 port (it reports PWRON_RESET); lets tests reach the code path


def reset_cause():
    return sim.current().reset_cause


def deepsleep(ms=0):
    raise sim.DeepSleep(ms)


def lightsleep(ms=0):
    sim.world().wait(ms)


def reset():
    raise sim.Reset()


def unique_id():
    return sim.current().mac


def freq(*args):
    return 240000000


def idle():
    pass


def _pin_id(pin):
    return pin.id if isinstance(pin, Pin) else pin


class Pin:
    IN = 1
    OUT = 3
    OPEN_DRAIN = 7
    PULL_UP = 2
    PULL_DOWN = 1

    def __init__(self, id, mode=-1, pull=-1, value=None):
        self.id = id
        self._dev = sim.current()
        if value is not None:
            self._dev.pins[id] = value

    def value(self, v=None):
        if v is None:
            return self._dev.pins.get(self.id, 1)
        self._dev.pins[self.id] = v

    def __call__(self, v=None):
        return self.value(v)


class I2C:
    """Transactions go to the chip models on the bus of these pins; each is
    logged as (op, addr, reg or None, bytes) in ``bus_log``."""

    def __init__(self, id=-1, scl=None, sda=None, freq=400000, timeout=50000):
        self._dev = sim.current()
        self.key = (_pin_id(scl), _pin_id(sda))
        self._chips = self._dev.i2c.get(self.key, {})
        if not hasattr(self._dev, "i2c_log"):
            self._dev.i2c_log = []
        self.bus_log = self._dev.i2c_log

    def _chip(self, addr):
        chip = self._chips.get(addr)
        if chip is None or not chip.present:
            self.bus_log.append(("nack", addr, None, b""))
            raise OSError(19)  # ENODEV: no ACK
        return chip

    def scan(self):
        return sorted(a for a, c in self._chips.items() if c.present)

    def writeto(self, addr, buf, stop=True):
        self._chip(addr).write(bytes(buf))
        self.bus_log.append(("w", addr, None, bytes(buf)))
        return len(buf)

    def readfrom_into(self, addr, buf, stop=True):
        data = self._chip(addr).read(len(buf))
        buf[:] = data
        self.bus_log.append(("r", addr, None, bytes(data)))

    def readfrom(self, addr, n, stop=True):
        buf = bytearray(n)
        self.readfrom_into(addr, buf)
        return bytes(buf)

    def writeto_mem(self, addr, reg, buf, addrsize=8):
        self._chip(addr).write(bytes([reg]) + bytes(buf))
        self.bus_log.append(("w", addr, reg, bytes(buf)))

    def readfrom_mem_into(self, addr, reg, buf, addrsize=8):
        chip = self._chip(addr)
        chip.write(bytes([reg]))
        data = chip.read(len(buf))
        buf[:] = data
        self.bus_log.append(("r", addr, reg, bytes(data)))

    def readfrom_mem(self, addr, reg, n, addrsize=8):
        buf = bytearray(n)
        self.readfrom_mem_into(addr, reg, buf)
        return bytes(buf)


SoftI2C = I2C


class ADC:
    ATTN_0DB = 0
    ATTN_2_5DB = 1
    ATTN_6DB = 2
    ATTN_11DB = 3
    WIDTH_12BIT = 3
    READ_US = 40  # one read_uv, as on an ESP32 at 240 MHz (order of magnitude)

    def __init__(self, pin, atten=None):
        self._dev = sim.current()
        self._pin = _pin_id(pin)
        self._atten = atten

    def atten(self, a):
        self._atten = a

    def width(self, w):
        pass

    def read_uv(self):
        wave = self._dev.adc_wave.get(self._pin)
        if wave is not None:  # a waveform: sampled at the device's microsecond clock; a read takes READ_US
            uv = wave(self._dev.now_us())
            self._dev.busy_us(ADC.READ_US)
            return max(0, min(3100000, uv * 4095 // 3100000 * 3100000 // 4095))  # 12-bit steps
        if self._atten != ADC.ATTN_11DB:
            raise ValueError("fake ADC: only 11 dB attenuation reaches the battery divider's range")
        uv = self._dev.adc_uv.get(self._pin)
        if uv is None:
            raise OSError(22)
        return min(uv, 3100000)

    def read_u16(self):
        return min(self.read_uv() * 65535 // 3100000, 65535)


class RTC:
    def __init__(self):
        self._dev = sim.current()

    def memory(self, data=None):
        if data is None:
            return self._dev.rtc_memory
        if len(data) > 2048:
            raise ValueError("RTC memory holds 2048 bytes")
        self._dev.rtc_memory = bytes(data)

    def datetime(self, dt=None):
        """The device's wall clock (UTC); setting it is recorded as ``clock_set_to`` (Unix s)."""
        if dt is None:
            t = sim.gmtime(sim.unix_now(self._dev))
            return (t[0], t[1], t[2], t[6], t[3], t[4], t[5], 0)
        unix = sim.mktime((dt[0], dt[1], dt[2], dt[4], dt[5], dt[6], 0, 0))
        self._dev.rtc_offset_s = unix - sim.world().now // 1000
        self._dev.clock_set_to = unix
