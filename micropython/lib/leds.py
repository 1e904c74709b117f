"""One LED per channel (up to 32), set together from a bitmask (PROTOCOL.md
record 0x59: bit n lights the LED of channel n). Three ways to drive them::

    from leds import GpioLeds, ShiftLeds, ExpanderLeds
    leds = GpioLeds([Pin(n, Pin.OUT) for n in (25, 26, 27)])    # LED to GND through a resistor
    leds = ShiftLeds(spi, Pin(15, Pin.OUT), 16)     # a chain of 74HC595s: SPI MOSI -> SER, SCK -> SRCLK, pin -> RCLK
    leds = ExpanderLeds(mcp23017, (8, 9, 10))       # anything with output(pin, value)
    leds.set(0b101)                                 # channels 0 and 2 on, the rest off
    leds.state                                      # the bitmask shown now

``ShiftLeds``: the first 74HC595 (SER on MOSI) drives channels 0..7 on QA..QH,
the next (SER on the first's QH') channels 8..15, and so on; the first byte
shifted in ends at the far end of the chain. All outputs change together on
the latch's rising edge.
"""


class GpioLeds:
    def __init__(self, pins, active_high=True):
        self._pins = pins
        self._on = 1 if active_high else 0
        self.count = len(pins)
        self.state = 0
        self.set(0)

    def set(self, bits):
        for i, pin in enumerate(self._pins):
            pin.value(self._on if bits >> i & 1 else 1 - self._on)
        self.state = bits & ((1 << self.count) - 1)


class ShiftLeds:
    def __init__(self, spi, latch, count):
        self._spi = spi
        self._latch = latch
        self.count = count
        self._buf = bytearray((count + 7) // 8)
        self.state = 0
        latch(0)
        self.set(0)

    def set(self, bits):
        n = len(self._buf)
        for i in range(n):  # the byte for channels 8(n-1).. goes first: it travels furthest
            self._buf[i] = bits >> (8 * (n - 1 - i)) & 0xFF
        self._latch(0)
        self._spi.write(self._buf)
        self._latch(1)  # rising edge: shift register -> outputs
        self.state = bits & ((1 << self.count) - 1)


class ExpanderLeds:
    def __init__(self, expander, pins):
        self._io = expander
        self._pins = pins
        self.count = len(pins)
        self.state = 0
        self.set(0)

    def set(self, bits):
        for i, pin in enumerate(self._pins):
            self._io.output(pin, bits >> i & 1)
        self.state = bits & ((1 << self.count) - 1)
