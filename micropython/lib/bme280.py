"""Bosch BME280 temperature, pressure and humidity sensor over I2C.

Forced mode with the datasheet's weather-monitoring settings (§3.5.1:
oversampling x1 for T, P and H, filter off), integer compensation (datasheet
§4.2.3 and §8.2, 64-bit pressure), so the ESP32's single-precision floats
never touch the maths::

    from machine import I2C, Pin
    from bme280 import BME280
    bme = BME280(I2C(0, scl=Pin(26), sda=Pin(25)))   # OSError if no BME280 answers
    t_c, p_pa, h_pct = bme.measure()
    t_centi, p_q24_8, h_q22_10 = bme.read_compensated()   # exact integers

A reading whose raw value is the "skipped" / reset value raises OSError.
"""
import time
from micropython import const

_REG_CALIB_1 = const(0x88)  # 26 bytes, 0x88..0xA1
_REG_ID = const(0xD0)
_REG_RESET = const(0xE0)
_REG_CALIB_2 = const(0xE1)  # 7 bytes, 0xE1..0xE7
_REG_CTRL_HUM = const(0xF2)
_REG_STATUS = const(0xF3)
_REG_CTRL_MEAS = const(0xF4)
_REG_CONFIG = const(0xF5)
_REG_DATA = const(0xF7)  # 8 bytes, press/temp/hum
_CHIP_ID = const(0x60)
_RESET_WORD = const(0xB6)
_CTRL_MEAS_SLEEP = const(0x24)  # osrs_t x1, osrs_p x1, sleep
_CTRL_MEAS_FORCED = const(0x25)  # osrs_t x1, osrs_p x1, forced
_MEASURING = const(0x08)
_IM_UPDATE = const(0x01)
_MEAS_WAIT_MS = const(10)  # datasheet §9.1: 9.3 ms max at x1/x1/x1
_SKIPPED_TP = const(0x80000)
_SKIPPED_H = const(0x8000)
_ENODEV = const(19)
_EIO = const(5)


def _s16(lo, hi):
    v = lo | hi << 8
    return v - 0x10000 if v & 0x8000 else v


def _s8(b):
    return b - 0x100 if b & 0x80 else b


def parse_calibration(c1, c2):
    """Trimming words from the 26 bytes at 0x88 and the 7 bytes at 0xE1, as the tuple
    (T1, T2, T3, P1..P9, H1..H6). 0xA0 is reserved and ignored."""
    t1 = c1[0] | c1[1] << 8
    p1 = c1[6] | c1[7] << 8
    words = [_s16(c1[i], c1[i + 1]) for i in range(8, 24, 2)]  # P2..P9
    h4 = _s8(c2[3]) * 16 + (c2[4] & 0x0F)
    h5 = _s8(c2[5]) * 16 + (c2[4] >> 4)
    return ((t1, _s16(c1[2], c1[3]), _s16(c1[4], c1[5]), p1) + tuple(words)
            + (c1[25], _s16(c2[0], c2[1]), c2[2], h4, h5, _s8(c2[6])))


def raw_values(data):
    """(adc_T, adc_P, adc_H) from the 8-byte burst at 0xF7."""
    adc_p = data[0] << 12 | data[1] << 4 | data[2] >> 4
    adc_t = data[3] << 12 | data[4] << 4 | data[5] >> 4
    return adc_t, adc_p, data[6] << 8 | data[7]


def compensate_temperature(adc_t, cal):
    """(temperature in 0.01 degC, t_fine) from the raw 20-bit value."""
    t1, t2, t3 = cal[0], cal[1], cal[2]
    var1 = (((adc_t >> 3) - (t1 << 1)) * t2) >> 11
    d = (adc_t >> 4) - t1
    var2 = (((d * d) >> 12) * t3) >> 14
    t_fine = var1 + var2
    return (t_fine * 5 + 128) >> 8, t_fine


def _cdiv(a, b):
    q = abs(a) // abs(b)
    return -q if (a < 0) != (b < 0) else q


def compensate_pressure(adc_p, t_fine, cal):
    """Pressure in Pa x 256 (Q24.8, datasheet 64-bit formula), 0 if undefined."""
    p1, p2, p3, p4, p5, p6, p7, p8, p9 = cal[3:12]
    var1 = t_fine - 128000
    var2 = var1 * var1 * p6 + ((var1 * p5) << 17) + (p4 << 35)
    var1 = ((var1 * var1 * p3) >> 8) + ((var1 * p2) << 12)
    var1 = (((1 << 47) + var1) * p1) >> 33
    if var1 == 0:
        return 0
    p = _cdiv((((1048576 - adc_p) << 31) - var2) * 3125, var1)
    var1 = (p9 * (p >> 13) * (p >> 13)) >> 25
    var2 = (p8 * p) >> 19
    return ((p + var1 + var2) >> 8) + (p7 << 4)


def compensate_humidity(adc_h, t_fine, cal):
    """Relative humidity in %RH x 1024 (Q22.10), clamped to 0..100 %."""
    h1, h2, h3, h4, h5, h6 = cal[12:18]
    x = t_fine - 76800
    x = ((((adc_h << 14) - (h4 << 20) - (h5 * x)) + 16384) >> 15) * (
        ((((((x * h6) >> 10) * (((x * h3) >> 11) + 32768)) >> 10) + 2097152) * h2 + 8192) >> 14)
    x -= ((((x >> 15) * (x >> 15)) >> 7) * h1) >> 4
    return min(max(x, 0), 419430400) >> 12


class BME280:
    """One BME280 on ``i2c`` at ``address`` (0x76 with SDO low, 0x77 high)."""

    def __init__(self, i2c, address=0x76):
        self._i2c = i2c
        self._addr = address
        self._one = bytearray(1)
        self._data = bytearray(8)
        chip = self._read1(_REG_ID)
        if chip != _CHIP_ID:
            raise OSError(_ENODEV, "BME280 at 0x%02x: chip id 0x%02x, not 0x60" % (address, chip))
        self._write1(_REG_RESET, _RESET_WORD)
        for _ in range(5):  # startup 2 ms, then the NVM copy (im_update) must finish
            time.sleep_ms(2)
            if not self._read1(_REG_STATUS) & _IM_UPDATE:
                break
        else:
            raise OSError(_EIO, "BME280 at 0x%02x: NVM copy did not finish" % address)
        c1 = bytearray(26)
        c2 = bytearray(7)
        i2c.readfrom_mem_into(address, _REG_CALIB_1, c1)
        i2c.readfrom_mem_into(address, _REG_CALIB_2, c2)
        self.calibration = parse_calibration(c1, c2)
        self._write1(_REG_CTRL_MEAS, _CTRL_MEAS_SLEEP)  # settings are changed in sleep mode
        self._write1(_REG_CTRL_HUM, 0x01)  # takes effect with the next ctrl_meas write
        self._write1(_REG_CONFIG, 0x00)

    def _read1(self, reg):
        self._i2c.readfrom_mem_into(self._addr, reg, self._one)
        return self._one[0]

    def _write1(self, reg, value):
        self._one[0] = value
        self._i2c.writeto_mem(self._addr, reg, self._one)

    def read_raw(self):
        """Runs one forced measurement; returns (adc_T, adc_P, adc_H)."""
        self._write1(_REG_CTRL_MEAS, _CTRL_MEAS_FORCED)
        time.sleep_ms(_MEAS_WAIT_MS)
        for _ in range(10):
            if not self._read1(_REG_STATUS) & _MEASURING:
                break
            time.sleep_ms(1)
        else:
            raise OSError(_EIO, "BME280 at 0x%02x: measurement did not finish" % self._addr)
        self._i2c.readfrom_mem_into(self._addr, _REG_DATA, self._data)  # one burst: shadowed
        return raw_values(self._data)

    def read_compensated(self):
        """One measurement as exact integers: (0.01 degC, Pa x 256, %RH x 1024)."""
        adc_t, adc_p, adc_h = self.read_raw()
        if adc_t == _SKIPPED_TP or adc_p == _SKIPPED_TP or adc_h == _SKIPPED_H:
            raise OSError(_EIO, "BME280 at 0x%02x: measurement skipped (reset values)" % self._addr)
        cal = self.calibration
        t_centi, t_fine = compensate_temperature(adc_t, cal)
        return (t_centi, compensate_pressure(adc_p, t_fine, cal), compensate_humidity(adc_h, t_fine, cal))

    def measure(self):
        """One measurement: (temperature degC, pressure Pa, relative humidity %)."""
        t, p, h = self.read_compensated()
        return t / 100, p / 256, h / 1024
