"""TI INA3221 three-channel shunt and bus voltage monitor over I2C.

Each of its three inputs is one of our channels; the current is the shunt
voltage over the shunt resistor from the config (the chip has no current
register)::

    from ina3221 import INA3221
    m = INA3221(i2c, 0x40)                          # OSError unless the ids are TI / 0x3220
    bus_mv, current_ua, power_uw = m.read(1, shunt_mohm=100)   # input 1..3

The maths is in pure functions (``shunt_uv``, ``bus_mv``, ``current_ua``).
"""
from micropython import const

_CONFIG = const(0x00)
_MANUFACTURER = const(0xFE)
_DIE = const(0xFF)
_TI = const(0x5449)
_DIE_ID = const(0x3220)
_RESET = const(0x8000)
_CONTINUOUS = const(0x7127)  # all three inputs, 1 sample, 1.1 ms conversions, shunt + bus continuous


def shunt_uv(reg):
    """Shunt voltage in uV from a shunt register (bits 15..3, signed, 40 uV each)."""
    value = reg - 0x10000 if reg & 0x8000 else reg
    return (value >> 3) * 40


def bus_mv(reg):
    """Bus voltage in mV from a bus register (bits 15..3, 8 mV each)."""
    return (reg >> 3) * 8


def current_ua(uv, shunt_mohm):
    """Current in uA through ``shunt_mohm`` milliohm with ``uv`` across it (rounded)."""
    num = uv * 1000
    return (2 * num + shunt_mohm) // (2 * shunt_mohm)


class INA3221:
    """One INA3221 on ``i2c`` at ``address`` (0x40..0x43 by A0)."""

    def __init__(self, i2c, address=0x40):
        self._i2c = i2c
        self._addr = address
        self._buf = bytearray(2)
        if self._read(_MANUFACTURER) != _TI or self._read(_DIE) != _DIE_ID:
            raise OSError(19, "INA3221 at 0x%02x: ids are not 0x5449 / 0x3220" % address)
        self._write(_CONFIG, _RESET)
        self._write(_CONFIG, _CONTINUOUS)

    def _write(self, reg, value):
        self._buf[0] = value >> 8
        self._buf[1] = value & 0xFF
        self._i2c.writeto_mem(self._addr, reg, self._buf)

    def _read(self, reg):
        self._i2c.readfrom_mem_into(self._addr, reg, self._buf)
        return self._buf[0] << 8 | self._buf[1]

    def read(self, input_no, shunt_mohm):
        """(bus mV, current uA, power uW) of input 1..3."""
        reg = 1 + 2 * (input_no - 1)
        uv = shunt_uv(self._read(reg))
        mv = bus_mv(self._read(reg + 1))
        ua = current_ua(uv, shunt_mohm)
        return mv, ua, mv * ua // 1000
