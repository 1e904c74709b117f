"""A 20x4 HD44780 character LCD behind a PCF8574 I2C backpack (the common
one: P0 RS, P1 RW, P2 E, P3 backlight, P4..P7 D4..D7), in 4-bit mode::

    from machine import I2C, Pin
    from pcf8574_hd44780 import Lcd
    lcd = Lcd(I2C(0, scl=Pin(22), sda=Pin(21)), 0x27)   # OSError if no backpack answers
    lcd.show(["Living room", "21.5 C  40 %", "", "Heating on"])
    lcd.show("line 1\\nline 2")     # the same, from text with \\n between lines
    lcd.backlight(False)

Each line is cut or padded to 20 characters. Characters the LCD's ROM (A00)
has not are shown as ``?``; ``°`` is its 0xdf. The PCF8574 has no id
register: a write that is not acknowledged is the only chip check.
"""
import time
from micropython import const

COLS = const(20)
ROWS = const(4)
LINE_ADDR = (0x00, 0x40, 0x14, 0x54)  # DDRAM address of each line's first column

_RS = const(0x01)
_E = const(0x04)
_BL = const(0x08)

_CLEAR = const(0x01)
_ENTRY_INC = const(0x06)
_DISPLAY_ON = const(0x0C)
_DISPLAY_OFF = const(0x08)
_FUNCTION_4BIT_2LINE = const(0x28)
_SET_DDRAM = const(0x80)


def rom_bytes(text, width=COLS):
    """``text`` as the LCD's character codes, cut or padded with spaces to ``width``."""
    out = bytearray(b" " * width)
    for i, ch in enumerate(text[:width]):
        c = ord(ch)
        out[i] = c if 0x20 <= c <= 0x7D else (0xDF if ch == "°" else 0x3F)
    return out


def split_lines(text):
    """The 4 lines of a display text (PROTOCOL.md record 0x58: lines separated by 0x0a)."""
    lines = text.split("\n")[:ROWS] if isinstance(text, str) else list(text)[:ROWS]
    return lines + [""] * (ROWS - len(lines))


class Lcd:
    """The LCD on ``i2c`` at ``address`` (0x27, or 0x3f for the PCF8574A)."""

    def __init__(self, i2c, address=0x27):
        self._i2c = i2c
        self._addr = address
        self._bl = _BL
        self._buf = bytearray(4 * (COLS + 1))
        self._mv = memoryview(self._buf)
        i2c.writeto(address, bytes((self._bl,)))  # all low but the backlight; OSError if no ACK
        self._init()

    def _nibble_bytes(self, at, value, rs):
        # one byte with E high, one with E low: the HD44780 latches on E's falling edge
        for shift in (4, 0):
            b = (value >> shift & 0x0F) << 4 | rs | self._bl
            self._buf[at] = b | _E
            self._buf[at + 1] = b
            at += 2
        return at

    def _send(self, value, rs=0):
        end = self._nibble_bytes(0, value, rs)
        self._i2c.writeto(self._addr, self._mv[:end])

    def _init(self):
        # HD44780U datasheet, figure 24 (4-bit interface): three times "8-bit
        # function set" as single nibbles with waits, then "4-bit"
        time.sleep_ms(50)  # > 40 ms after VCC rises to 2.7 V
        for wait_us in (4500, 150, 150):
            self._nibble(0x3)
            time.sleep_us(wait_us)
        self._nibble(0x2)
        for cmd in (_FUNCTION_4BIT_2LINE, _DISPLAY_OFF, _CLEAR, _ENTRY_INC, _DISPLAY_ON):
            self._send(cmd)
            if cmd == _CLEAR:
                time.sleep_ms(2)  # clear display takes 1.52 ms

    def _nibble(self, n):
        b = n << 4 | self._bl
        self._buf[0] = b | _E
        self._buf[1] = b
        self._i2c.writeto(self._addr, self._mv[:2])

    def show(self, lines):
        """Writes 4 lines (a list, or text with ``\\n`` between lines) of 20 characters."""
        for row, text in enumerate(split_lines(lines)):
            at = self._nibble_bytes(0, _SET_DDRAM | LINE_ADDR[row], 0)
            for c in rom_bytes(text):
                at = self._nibble_bytes(at, c, _RS)
            self._i2c.writeto(self._addr, self._mv[:at])

    def backlight(self, on):
        """Turns the backlight (backpack pin P3) on or off."""
        self._bl = _BL if on else 0
        self._i2c.writeto(self._addr, bytes((self._bl,)))

    def clear(self):
        self._send(_CLEAR)
        time.sleep_ms(2)
