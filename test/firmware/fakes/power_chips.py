"""Register-level models of the socket node's I2C chips, answering as their
datasheets say, so a driver that skips a step reads wrong data.

Ina219Chip: configuration 0x399F after reset; shunt voltage 10 uV/LSB
(clamped at the PGA range), bus voltage 4 mV/LSB in bits 15..3 with CNVR
(bit 1) and OVF (bit 0); current = shunt x calibration / 4096 and power =
current x bus / 5000 computed by the chip, both 0 until the calibration
register is written; calibration bit 0 reads 0.
Ina3221Chip: ids 0x5449 / 0x3220, configuration 0x7127 after reset, per
input shunt 40 uV/LSB and bus 8 mV/LSB in bits 15..3 (two's complement).
Mcp23017Chip: 22 registers in the BANK = 0 layout, IODIR 0xFF after reset,
address pointer incrementing over the registers, GPIO writes go to OLAT;
``level(pin)`` is what the pin drives (None while it is an input).
``power_cycle()`` puts each back in its power-on state.
"""


def _clamp(v, lo, hi):
    return lo if v < lo else hi if v > hi else v


def _u16(v):
    return v & 0xFFFF


class _Chip16:
    """A chip of 16-bit big-endian registers behind a register pointer."""

    def __init__(self):
        self.present = True
        self.writes = []
        self.power_cycle()

    def write(self, data):
        self.writes.append(bytes(data))
        self._ptr = data[0]
        if len(data) >= 3:
            self._set(self._ptr, data[1] << 8 | data[2])

    def read(self, n):
        value = self._get(self._ptr)
        return bytes([value >> 8 & 0xFF, value & 0xFF])[:n]


class Ina219Chip(_Chip16):
    def __init__(self, shunt_ohm=0.1):
        self.shunt_ohm = shunt_ohm  # the real resistor on the board
        self.bus_v = 0.0
        self.current_a = 0.0
        self.source = None  # fn() -> (bus V, A): the load as the relay leaves it, read at each access
        super().__init__()

    def power_cycle(self):
        self.config = 0x399F
        self.cal = 0
        self._ptr = 0

    def _set(self, reg, value):
        if reg == 0x00:
            if value & 0x8000:
                self.power_cycle()
            else:
                self.config = value
        elif reg == 0x05:
            self.cal = value & 0xFFFE

    def _shunt(self):
        pga = 4000 << ((self.config >> 11) & 3)  # 40 mV x 2^PG, in 10 uV steps
        return int(_clamp(round(self.current_a * self.shunt_ohm / 10e-6), -pga, pga))

    def _bus(self):
        return int(_clamp(round(self.bus_v / 0.004), 0, 8000))

    def _current(self):
        return int(self._shunt() * self.cal / 4096)

    def _get(self, reg):
        if self.source is not None:
            self.bus_v, self.current_a = self.source()
        if reg == 0x00:
            return self.config
        if reg == 0x01:
            return _u16(self._shunt())
        if reg == 0x02:
            ovf = not -32768 <= self._current() <= 32767
            return self._bus() << 3 | 2 | int(ovf)
        if reg == 0x03:
            return _clamp(int(abs(self._current()) * self._bus() / 5000), 0, 0xFFFF)
        if reg == 0x04:
            return _u16(_clamp(self._current(), -32768, 32767))
        if reg == 0x05:
            return self.cal
        return 0


class Ina3221Chip(_Chip16):
    def __init__(self, shunt_ohm=(0.1, 0.1, 0.1)):
        self.shunt_ohm = list(shunt_ohm)
        self.bus_v = [0.0, 0.0, 0.0]
        self.current_a = [0.0, 0.0, 0.0]
        self.source = [None, None, None]  # per input fn() -> (bus V, A), as for the INA219
        super().__init__()

    def power_cycle(self):
        self.config = 0x7127
        self._ptr = 0

    def _set(self, reg, value):
        if reg == 0x00:
            self.config = 0x7127 if value & 0x8000 else value

    def _get(self, reg):
        if reg == 0x00:
            return self.config
        if reg == 0xFE:
            return 0x5449
        if reg == 0xFF:
            return 0x3220
        if 1 <= reg <= 6:
            i = (reg - 1) // 2
            if self.source[i] is not None:
                self.bus_v[i], self.current_a[i] = self.source[i]()
            if not self.config & (0x4000 >> i):
                return 0
            if reg % 2:
                steps = _clamp(round(self.current_a[i] * self.shunt_ohm[i] / 40e-6), -4096, 4095)
            else:
                steps = _clamp(round(self.bus_v[i] / 0.008), 0, 4095)
            return _u16(int(steps) << 3)
        return 0


class Mcp23017Chip:
    def __init__(self):
        self.present = True
        self.writes = []
        self.power_cycle()

    def power_cycle(self):
        self.regs = bytearray(22)
        self.regs[0] = self.regs[1] = 0xFF
        self._ptr = 0

    def write(self, data):
        self.writes.append(bytes(data))
        self._ptr = data[0]
        for value in data[1:]:
            reg = self._ptr
            if reg in (0x12, 0x13):
                reg += 2  # a GPIO write sets the output latch
            self.regs[reg] = value
            self._ptr = (self._ptr + 1) % 22

    def read(self, n):
        out = bytearray(n)
        for k in range(n):
            out[k] = self.regs[self._ptr]
            self._ptr = (self._ptr + 1) % 22
        return bytes(out)

    def level(self, pin):
        port, bit = pin // 8, 1 << (pin % 8)
        if self.regs[port] & bit:
            return None
        return 1 if self.regs[0x14 + port] & bit else 0
