"""Microchip MCP23017 16-bit I/O expander over I2C, used for relay outputs.

Registers in the power-on bank layout (IOCON.BANK = 0): port A then B for
each register, so one two-byte write sets all 16 pins::

    from mcp23017 import MCP23017
    io = MCP23017(i2c, 0x20)          # OSError if nothing answers or IODIR is not all inputs
    io.output(3, 1)                   # pin 3 (GPA3) an output, driven high
    io.output(12, 0)                  # pin 12 (GPB4)

Only the pins given to ``output`` are made outputs; the latch is written
before the direction, so a relay never sees a glitch of the wrong level.
"""
from micropython import const

_IODIR = const(0x00)  # A, then B at 0x01
_OLAT = const(0x14)  # A, then B at 0x15


class MCP23017:
    """One MCP23017 on ``i2c`` at ``address`` (0x20..0x27 by A0-A2)."""

    def __init__(self, i2c, address=0x20):
        self._i2c = i2c
        self._addr = address
        self._buf = bytearray(2)
        i2c.readfrom_mem_into(address, _IODIR, self._buf)
        self.iodir = self._buf[0] | self._buf[1] << 8
        i2c.readfrom_mem_into(address, _OLAT, self._buf)
        self.latch = self._buf[0] | self._buf[1] << 8

    def _write(self, reg, value):
        self._buf[0] = value & 0xFF
        self._buf[1] = value >> 8
        self._i2c.writeto_mem(self._addr, reg, self._buf)

    def output(self, pin, value):
        """Drives ``pin`` (0..15: GPA0..7, GPB0..7) to ``value`` (0 or 1)."""
        bit = 1 << pin
        self.latch = (self.latch | bit) if value else (self.latch & ~bit)
        self._write(_OLAT, self.latch)
        if self.iodir & bit:
            self.iodir &= ~bit
            self._write(_IODIR, self.iodir)
