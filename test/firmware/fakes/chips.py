"""Register-level models of the node's I2C chips, answering as the datasheets
say, so a driver that skips a step reads wrong or stale data.

Bme280Chip: id 0x60, soft reset, calibration image, ctrl_hum latched by the
next ctrl_meas write, forced mode whose result appears only after the
measurement time (status bit 3 set meanwhile), data reset to the "skipped"
values, a channel with oversampling 000 reads skipped.
Bh1750Chip: one opcode per transaction, power down / on, one-time modes that
power down after converting, results only after the conversion time (scaled
with MTreg), reset clears the data register only when powered on.
Each keeps ``writes`` (bytes of every write transaction) for assertions.
"""
import sim


class Bme280Chip:
    def __init__(self, calib_88_a1, calib_e1_e7, chip_id=0x60):
        self.present = True
        self.chip_id = chip_id
        self.calib1 = bytes(calib_88_a1)
        self.calib2 = bytes(calib_e1_e7)
        self.sample = bytes([0x80, 0, 0, 0x80, 0, 0, 0x80, 0])  # next F7..FE burst
        self.writes = []
        self.measurements = 0
        self._reset()

    def _reset(self):
        self.regs = bytearray(256)
        self.regs[0xD0] = self.chip_id
        self.regs[0x88:0xA2] = self.calib1
        self.regs[0xE1:0xE8] = self.calib2
        self.regs[0xF7:0xFF] = bytes([0x80, 0, 0, 0x80, 0, 0, 0x80, 0])
        self._osrs_h = 0
        self._ready_at = None
        self._ptr = 0

    def _settle(self):
        if self._ready_at is not None and sim.world().now >= self._ready_at:
            self._ready_at = None
            data = bytearray(self.sample)
            meas = self.regs[0xF4]
            if not meas >> 5:
                data[3:6] = b"\x80\x00\x00"
            if not (meas >> 2) & 7:
                data[0:3] = b"\x80\x00\x00"
            if not self._osrs_h:
                data[6:8] = b"\x80\x00"
            self.regs[0xF7:0xFF] = data
            self.regs[0xF4] &= 0xFC  # back to sleep
            self.measurements += 1

    def write(self, data):
        self.writes.append(bytes(data))
        self._settle()
        self._ptr = data[0]
        for i, value in enumerate(data[1:]):
            self._write_reg((self._ptr + i) & 0xFF, value)

    def _write_reg(self, reg, value):
        if reg == 0xE0:
            if value == 0xB6:
                self._reset()
        elif reg == 0xF2:
            self.regs[0xF2] = value & 7
        elif reg == 0xF4:
            self.regs[0xF4] = value
            self._osrs_h = self.regs[0xF2] & 7  # ctrl_hum takes effect now
            if value & 3 in (1, 2) and self._ready_at is None:
                ost, osp, osh = value >> 5, (value >> 2) & 7, self._osrs_h
                t_us = 1250 + (2300 << min(ost, 5) - 1 if ost else 0)  # datasheet §9.1, max
                t_us += sum((2300 << min(c, 5) - 1) + 575 for c in (osp, osh) if c)
                self._ready_at = sim.world().now + (t_us + 999) // 1000
        elif reg == 0xF5:
            self.regs[0xF5] = value

    def read(self, n):
        self._settle()
        out = bytearray(n)
        for i in range(n):
            reg = (self._ptr + i) & 0xFF
            out[i] = self.regs[reg]
            if reg == 0xF3:
                out[i] = 0x08 if self._ready_at is not None else 0
        return bytes(out)


class Bh1750Chip:
    def __init__(self):
        self.present = True
        self.raw = 0  # the count the next conversion produces
        self.writes = []
        self._powered = False
        self._mtreg = 69
        self._data = 0
        self._mode = None
        self._ready_at = None
        self.measurements = 0

    def _settle(self):
        if self._ready_at is not None and sim.world().now >= self._ready_at:
            self._ready_at = None
            self._data = self.raw
            self.measurements += 1
            if self._mode in (0x20, 0x21, 0x23):
                self._powered = False

    def write(self, data):
        self.writes.append(bytes(data))
        self._settle()
        if len(data) != 1:
            return  # "not able to accept plural command without stop condition"
        op = data[0]
        if op == 0x00:
            self._powered = False
        elif op == 0x01:
            self._powered = True
        elif op == 0x07:
            if self._powered:
                self._data = 0
        elif op & 0xF8 == 0x40:
            self._mtreg = (self._mtreg & 0x1F) | (op & 7) << 5
        elif op & 0xE0 == 0x60:
            self._mtreg = (self._mtreg & 0xE0) | (op & 0x1F)
        elif op in (0x10, 0x11, 0x13, 0x20, 0x21, 0x23) and self._powered:
            self._mode = op
            base = 24 if op & 3 == 3 else 180
            self._ready_at = sim.world().now + base * self._mtreg // 69

    def read(self, n):
        self._settle()
        return bytes([self._data >> 8, self._data & 0xFF])[:n]


class FakeUart:
    """The broker's UART0: a TX FIFO of ``fifo`` bytes drained at baud/10 bytes/s.
    ``tx`` holds every byte written; a write that does not fit would block a real
    UART, so its wait is added to ``stall_ms``. ``feed()`` puts gateway bytes on RX."""

    def __init__(self, baud=115200, fifo=128):
        self.baud = baud
        self.fifo = fifo
        self.tx = bytearray()
        self.rx = bytearray()
        self.stall_ms = 0
        self.writes = 0
        self._level = 0
        self._at = 0

    def _drain(self):
        now = sim.world().now
        self._level = max(0, self._level - (now - self._at) * self.baud // 10000)
        self._at = now

    def write(self, buf):
        self._drain()
        data = bytes(buf)
        over = self._level + len(data) - self.fifo
        if over > 0:
            self.stall_ms += (over * 10000 + self.baud - 1) // self.baud
        self._level = min(self.fifo, self._level + len(data))
        self.tx += data
        self.writes += 1
        return len(data)

    def any(self):
        return len(self.rx)

    def read(self, n):
        data = bytes(self.rx[:n])
        self.rx = self.rx[n:]
        return data

    def feed(self, data):
        self.rx += data
