"""A chain of 74HC595 shift registers on an SPI bus (SER from MOSI, SRCLK
from SCK, RCLK from a pin): bytes shift through the chain, the outputs take
the shift registers' contents on the latch's rising edge only.

    chain = attach(dev, 18, Hc595Chain(latch_pin=15, count=2))
    chain.outputs()      # the chain's outputs as one int: bit 0 is QA of the chip whose SER is on MOSI, bit 8 QA of the next
"""
from spi_bus import HELD, attach  # noqa: F401


class Hc595Chain:
    def __init__(self, latch_pin, count):
        self.cs = None
        self.latch = latch_pin
        self.count = count
        self._shift = bytearray(count)  # [0] is the chip nearest the MCU
        self._out = 0
        self._pending = False
        self.dev = None

    def _resolve(self):
        if self._pending and self.dev.pins.get(self.latch, 0) != HELD:
            # the latch pin was written since the bytes went in: its rising edge latched them
            self._pending = False
            value = 0
            for i, b in enumerate(self._shift):  # the chip nearest the MCU holds bits 0..7
                value |= b << (8 * i)
            self._out = value

    def begin(self):
        pass

    def clock(self, out, mode):
        self._resolve()
        for b in out:
            self._shift[1:] = self._shift[:-1]
            self._shift[0] = b
        if self.dev.pins.get(self.latch, 0) == 0 or self.dev.pins.get(self.latch) == HELD:
            self.dev.pins[self.latch] = HELD
            self._pending = True
        return None  # QH' is not wired back

    def outputs(self):
        self._resolve()
        return self._out
