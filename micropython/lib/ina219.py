"""TI INA219 current/power monitor over I2C: bus voltage, shunt current, power.

The bus is injected; the calibration comes from the shunt resistor and the
largest current expected (datasheet section 8.5, equations 1-4)::

    from machine import I2C, Pin
    from ina219 import INA219
    m = INA219(I2C(0, scl=Pin(22), sda=Pin(21)), 0x40, shunt_mohm=100, max_ma=3200)
    bus_mv, current_ua, power_uw = m.read()     # OSError when the chip does not answer

The maths is in pure functions (``calibration``, ``bus_mv``, ``signed16``) so
it is tested without a chip.
"""
from micropython import const

_CONFIG = const(0x00)
_SHUNT = const(0x01)
_BUS = const(0x02)
_POWER = const(0x03)
_CURRENT = const(0x04)
_CALIBRATION = const(0x05)
_RESET = const(0x8000)
_POR_CONFIG = const(0x399F)  # 32 V, /8 (320 mV), 12-bit, shunt + bus continuous
_CNVR = const(0x0002)
_OVF = const(0x0001)


def calibration(shunt_mohm, max_ma):
    """(calibration register, current LSB in uA) for a shunt of ``shunt_mohm``
    milliohm and currents up to ``max_ma`` mA. The LSB is rounded up to a whole
    uA (eq. 2: max / 2^15), so Cal = trunc(0.04096 / (LSB * R)) (eq. 1)."""
    lsb_ua = max(1, -(-max_ma * 1000 // 32768))
    cal = 40960000 // (lsb_ua * shunt_mohm)
    if not 0 < cal <= 0xFFFE:
        raise ValueError("INA219: shunt %d mohm with %d mA gives calibration %d (1..65534)" % (shunt_mohm, max_ma, cal))
    return cal & 0xFFFE, lsb_ua  # bit 0 is read-only


def signed16(value):
    return value - 0x10000 if value & 0x8000 else value


def bus_mv(reg):
    """Bus voltage in mV from register 0x02 (bits 15..3, 4 mV each)."""
    return (reg >> 3) * 4


class INA219:
    """One INA219 on ``i2c`` at ``address`` (0x40..0x4F by A0/A1)."""

    def __init__(self, i2c, address=0x40, shunt_mohm=100, max_ma=3200):
        self._i2c = i2c
        self._addr = address
        self._buf = bytearray(2)
        self.cal, self.lsb_ua = calibration(shunt_mohm, max_ma)
        self._write(_CONFIG, _RESET)
        if self._read(_CONFIG) != _POR_CONFIG:
            raise OSError(19, "INA219 at 0x%02x: configuration after reset is not 0x399f" % address)
        self._write(_CALIBRATION, self.cal)

    def _write(self, reg, value):
        self._buf[0] = value >> 8
        self._buf[1] = value & 0xFF
        self._i2c.writeto_mem(self._addr, reg, self._buf)

    def _read(self, reg):
        self._i2c.readfrom_mem_into(self._addr, reg, self._buf)
        return self._buf[0] << 8 | self._buf[1]

    def read(self):
        """(bus mV, current uA, power uW). Raises OSError on a bus error or when
        the chip lost its calibration (a brown-out of the chip alone)."""
        bus = self._read(_BUS)
        if bus & _OVF:
            raise OSError(34, "INA219 at 0x%02x: math overflow, current above the calibrated range" % self._addr)
        current = signed16(self._read(_CURRENT))
        power = self._read(_POWER)
        if self._read(_CALIBRATION) != self.cal:
            self._write(_CALIBRATION, self.cal)
            raise OSError(5, "INA219 at 0x%02x: calibration was lost, written again" % self._addr)
        return bus_mv(bus), current * self.lsb_ua, power * 20 * self.lsb_ua
