"""Fake ``machine.SPI`` / ``machine.SoftSPI`` (installed into the fake
``machine`` on import): a bus found by its SCK pin (wrong wiring finds no
chip), each transfer clocked through the chip models attached to it.

The fake ``Pin`` only stores levels, so chip select is seen through them: a
chip is selected while its CS pin is low; after each transfer the bus marks
the pin ``HELD`` (still low), so a pin found at 0 again means CS went high and
low in between: a new transaction (the MCP2515 needs that to see where an
instruction ends). Chips with a latch (74HC595) use the same mark.

    dev.spi[18] = [chip, ...]   # chip.cs (pin or None), chip.begin(), chip.clock(out bytes) -> in bytes
"""
import sim
import machine

HELD = "held"  # a CS or latch pin that stayed as it was since the last transfer
_DEFAULT_SCK = {1: 14, 2: 18}  # ESP32 HSPI / VSPI


def _pin_id(pin):
    return getattr(pin, "id", pin)


class SPI:
    MSB = 0
    LSB = 1

    def __init__(self, id=1, baudrate=1000000, polarity=0, phase=0, bits=8, firstbit=0, sck=None, mosi=None, miso=None):
        self._dev = sim.current()
        self.sck = _DEFAULT_SCK.get(id, id) if sck is None else _pin_id(sck)
        self.baudrate = baudrate
        self.mode = (polarity, phase)

    def init(self, **kw):
        pass

    def deinit(self):
        pass

    def _xfer(self, out):
        pins = self._dev.pins
        result = None
        for chip in getattr(self._dev, "spi", {}).get(self.sck, ()):
            cs = chip.cs
            if cs is not None:
                level = pins.get(cs, 1)
                if level == 1:
                    continue
                if level != HELD:
                    chip.begin()
                pins[cs] = HELD
            got = chip.clock(bytes(out), self.mode)
            if got is not None:
                result = got if result is None else bytes(a & b for a, b in zip(result, got))
        return result if result is not None else b"\xff" * len(out)

    def write(self, buf):
        self._xfer(buf)

    def read(self, n, write=0):
        return self._xfer(bytes([write]) * n)

    def readinto(self, buf, write=0):
        buf[:] = self._xfer(bytes([write]) * len(buf))

    def write_readinto(self, wbuf, rbuf):
        rbuf[:] = self._xfer(wbuf)


machine.SPI = SPI
machine.SoftSPI = SPI


def attach(dev, sck, chip):
    if not hasattr(dev, "spi"):
        dev.spi = {}
    dev.spi.setdefault(sck, []).append(chip)
    chip.dev = dev
    return chip
