"""A PCF8574 I2C backpack (P0 RS, P1 RW, P2 E, P3 backlight, P4..P7 D4..D7)
in front of a 20x4 HD44780 model, so a driver is judged by what the LCD
would show.

The PCF8574 sets its port to each byte written (no registers, no id). The
HD44780 latches D4..D7 with RS and RW on every falling edge of E. It wakes
in 8-bit mode (D0..D3 not wired: read as 0) or, as after an MCU reset in
the middle of a transfer, in 4-bit mode with or without half a byte taken:
only the datasheet's init by instruction (three 0x3 nibbles, then 0x2)
gets it into a known 4-bit state from all three. Instructions sent within
40 ms of power-on (counted in ``early``) or within 1.52 ms of a clear or
return home (counted in ``lost``) are ignored.

    chip = Pcf8574Lcd(start="8bit")     # or "4bit", "4bit-half"
    dev.i2c[(22, 21)] = {0x27: chip}
    chip.screen()                       # 4 strings of 20: what the display shows
    chip.backlight, chip.display_on
"""
import sim

_LINES = (0x00, 0x40, 0x14, 0x54)


def _char(code):
    if 0x20 <= code <= 0x7D:
        return chr(code)
    return "°" if code == 0xDF else "\x00"


class Pcf8574Lcd:
    def __init__(self, start="8bit"):
        self.present = True
        self.port = 0xFF  # the PCF8574's outputs after power-on: weak high
        self.writes = 0
        self.lost = 0
        self.early = 0  # strobes during the power-on reset (the backpack's first write drops E)
        self._powering = True
        self.ddram = bytearray(b"#" * 128)  # undefined after power-on: "#" shows a cell never written
        self.ac = 0
        self.four_bit = start != "8bit"
        self._half = 0x0 if start == "4bit-half" else None
        self.two_line = False
        self.display_on = False
        self.increment = True
        self._busy_until_us = sim.world().now * 1000 + 40000

    @property
    def backlight(self):
        return bool(self.port & 0x08)

    # --- the PCF8574 ----------------------------------------------------
    def write(self, data):
        self.writes += 1
        for b in data:
            prev, self.port = self.port, b
            if prev & 0x04 and not b & 0x04:
                self._strobe(b)

    def read(self, n):
        return bytes([self.port]) * n

    # --- the HD44780 ----------------------------------------------------
    def _strobe(self, port):
        if port & 0x02:
            return  # a read: the MCU gets the busy flag, nothing changes
        rs = port & 0x01
        nibble = port >> 4
        if not self.four_bit:
            self._execute(rs, nibble << 4)
        elif self._half is None:
            self._half = nibble
        else:
            value = self._half << 4 | nibble
            self._half = None
            self._execute(rs, value)

    def _execute(self, rs, value):
        now_us = sim.world().now * 1000
        if now_us < self._busy_until_us:
            if self._powering:
                self.early += 1
            else:
                self.lost += 1
            return
        self._powering = False
        if rs:
            self.ddram[self.ac] = value
            self._step()
            return
        busy = 0
        if value & 0x80:
            self.ac = value & 0x7F
        elif value & 0x20:  # function set: DL bit 4, N bit 3
            self.four_bit = not value & 0x10
            self.two_line = bool(value & 0x08)
        elif value & 0x08:
            self.display_on = bool(value & 0x04)
        elif value & 0x04:
            self.increment = bool(value & 0x02)
        elif value & 0x02:
            self.ac = 0
            busy = 1520
        elif value & 0x01:
            for i in range(128):
                self.ddram[i] = 0x20
            self.ac = 0
            self.increment = True
            busy = 1520
        self._busy_until_us = now_us + busy

    def _step(self):
        if self.increment:
            self.ac = {0x27: 0x40, 0x67: 0x00}.get(self.ac, self.ac + 1) if self.two_line else (self.ac + 1) % 80
        else:
            self.ac = {0x40: 0x27, 0x00: 0x67}.get(self.ac, self.ac - 1) if self.two_line else (self.ac - 1) % 80

    def screen(self):
        """The 4 lines of 20 characters the display shows (blank while it is off)."""
        if not self.display_on:
            return [" " * 20] * 4
        out = []
        for row, at in enumerate(_LINES):
            if not self.two_line and row % 2:
                out.append(" " * 20)  # 1-line mode drives only the first line's commons
            else:
                out.append("".join(_char(c) for c in self.ddram[at:at + 20]))
        return out
