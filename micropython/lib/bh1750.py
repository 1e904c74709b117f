"""ROHM BH1750FVI ambient light sensor over I2C, one-time high-resolution mode.

The chip powers down by itself after a one-time measurement, so it draws
nothing between wakes::

    from machine import I2C, Pin
    from bh1750 import BH1750
    light = BH1750(I2C(1, scl=Pin(33), sda=Pin(32)))   # OSError if no BH1750 answers
    lux = light.measure()                 # starts, waits up to 180 ms, reads

    light.start()                         # or overlap the wait with other work:
    ...                                   # at least light.wait_ms later
    centilux = light.read_centilux()      # exact 0.01 lx
"""
import time
from micropython import const

_POWER_ON = const(0x01)
_ONE_TIME_H = const(0x20)  # 1 lx resolution, then power down
_MT_DEFAULT = const(69)
_H_MAX_MS = const(180)  # H-resolution max conversion time at MTreg 69


def centilux_from_raw(raw, mtreg=_MT_DEFAULT, mode2=False):
    """Illuminance in 0.01 lx, rounded, from the 16-bit count:
    lux = raw / 1.2 * 69 / MTreg, halved in H-resolution mode 2."""
    num = raw * 100 * 10 * _MT_DEFAULT
    den = 12 * mtreg * (2 if mode2 else 1)
    return (2 * num + den) // (2 * den)


def lux_from_raw(raw, mtreg=_MT_DEFAULT, mode2=False):
    """Illuminance in lx (float) from the 16-bit count."""
    return raw * 10 * _MT_DEFAULT / (12 * mtreg * (2 if mode2 else 1))


class BH1750:
    """One BH1750 on ``i2c`` at ``address`` (0x23 with ADDR low, 0x5C high)."""

    wait_ms = _H_MAX_MS

    def __init__(self, i2c, address=0x23):
        self._i2c = i2c
        self._addr = address
        self._cmd = bytearray(1)
        self._data = bytearray(2)
        self._send(_POWER_ON)  # the chip id check of a chip that has none: it must ACK

    def _send(self, opcode):
        self._cmd[0] = opcode  # one opcode per transaction (datasheet p.10)
        self._i2c.writeto(self._addr, self._cmd)

    def start(self):
        """Starts a one-time H-resolution measurement; the result is ready after ``wait_ms``."""
        self._send(_POWER_ON)
        self._send(_ONE_TIME_H)

    def read_raw(self):
        """The 16-bit count of the last measurement (big-endian on the wire)."""
        self._i2c.readfrom_into(self._addr, self._data)
        return self._data[0] << 8 | self._data[1]

    def read_centilux(self):
        """The last measurement in 0.01 lx (integer)."""
        return centilux_from_raw(self.read_raw())

    def measure(self):
        """One measurement in lx (float)."""
        self.start()
        time.sleep_ms(self.wait_ms)
        return lux_from_raw(self.read_raw())
