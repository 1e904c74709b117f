"""Microchip MCP2515 stand-alone CAN controller over SPI: CAN 2.0A (11-bit
ids) frames out through TXB0, in through RXB0/RXB1, acceptance masks and
filters, bit timing from the crystal. Polled (the INT pin is not needed)::

    from machine import SPI, Pin
    from mcp2515 import MCP2515
    spi = SPI(1, baudrate=8_000_000, sck=Pin(18), mosi=Pin(23), miso=Pin(19))
    can = MCP2515(spi, Pin(5, Pin.OUT, value=1))      # OSError if no MCP2515 answers
    can.accept(0x780, (0x400,))   # before start(): only ids 0x400..0x47f
    can.start()                   # 125 kbit/s with an 8 MHz crystal (the defaults)
    can.send(0x512, b"\\x01\\x02")  # False if the bus did not take it within timeout_ms
    frame = can.recv()            # (id, bytes) or None

Registers and instructions: MCP2515 datasheet (DS20001801), sections 3-6
and 12. Bit timing (section 5): one time quantum TQ = 2 x (BRP + 1) / Fosc;
a bit is SyncSeg (1 TQ) + PropSeg + PS1 + PS2. ``bit_timing`` chooses 16 TQ
per bit with the sample point at 14/16 = 87.5 % (CiA's recommendation):
PropSeg 6, PS1 7, PS2 2, SJW 1, which keeps the datasheet's rules
(PropSeg + PS1 >= PS2, PS2 > SJW, PS2 >= 2 TQ). For 125 kbit/s from the
common 8 MHz crystal: 16 TQ = 8 us, so TQ = 0.5 us and BRP = 1, giving
CNF1 = 0x01 (SJW 1, BRP 1), CNF2 = 0xb5 (BTLMODE, PHSEG1 6, PRSEG 5),
CNF3 = 0x01 (PHSEG2 1). Boards with a 16 MHz crystal: BRP 3, CNF1 = 0x03.
"""
import time
from micropython import const

_RESET = const(0xC0)
_READ = const(0x03)
_WRITE = const(0x02)
_BITMOD = const(0x05)

_RXF0 = const(0x00)  # RXF0..2 at 0x00, 0x04, 0x08; RXF3..5 at 0x10, 0x14, 0x18
_CANSTAT = const(0x0E)
_CANCTRL = const(0x0F)
_RXM0 = const(0x20)
_RXM1 = const(0x24)
_CNF3 = const(0x28)
_CANINTE = const(0x2B)
_CANINTF = const(0x2C)
_EFLG = const(0x2D)
_TXB0CTRL = const(0x30)
_RXB0CTRL = const(0x60)
_RXB1CTRL = const(0x70)

_TXREQ = const(0x08)
_RX0IF = const(0x01)
_RX1IF = const(0x02)
_RXOVR = const(0xC0)  # EFLG RX1OVR | RX0OVR
_IDE = const(0x08)  # SIDL: extended identifier
_BUKT = const(0x04)  # RXB0CTRL: roll over into RXB1 when RXB0 is full

MODE_NORMAL = const(0x00)
MODE_LOOPBACK = const(0x40)
MODE_LISTEN = const(0x60)
MODE_CONFIG = const(0x80)

_FILTERS = (0x00, 0x04, 0x08, 0x10, 0x14, 0x18)


def bit_timing(osc_hz, bitrate):
    """(CNF1, CNF2, CNF3) for 16 TQ per bit, sample point 87.5 %, SJW 1;
    ValueError when the crystal cannot make ``bitrate`` exactly."""
    div = osc_hz // (2 * 16 * bitrate)
    if div < 1 or div > 64 or div * 2 * 16 * bitrate != osc_hz:
        raise ValueError("MCP2515: %d bit/s cannot be made from %d Hz" % (bitrate, osc_hz))
    prop, ps1, ps2, sjw = 6, 7, 2, 1
    return ((sjw - 1) << 6 | (div - 1), 0x80 | (ps1 - 1) << 3 | (prop - 1), ps2 - 1)


def bitrate_of(osc_hz, cnf1, cnf2, cnf3):
    """The bit rate (bit/s) that CNF1..3 make from ``osc_hz`` (BTLMODE set)."""
    tq = 1 + ((cnf2 & 7) + 1) + ((cnf2 >> 3 & 7) + 1) + ((cnf3 & 7) + 1)
    return osc_hz // (2 * ((cnf1 & 0x3F) + 1) * tq)


def _id_bytes(can_id):
    return can_id >> 3 & 0xFF, (can_id & 7) << 5


class MCP2515:
    """One MCP2515 on ``spi`` with chip select ``cs`` (a Pin, idle high)."""

    def __init__(self, spi, cs, osc_hz=8000000, bitrate=125000, timeout_ms=20):
        self._spi = spi
        self._cs = cs
        self._timeout = timeout_ms
        self._buf = bytearray(16)
        self._mv = memoryview(self._buf)
        self.overruns = 0  # frames lost because both receive buffers were full
        self.dropped = 0  # frames with an extended (29-bit) id, not ours
        cs(1)
        self.reset()
        if self._read1(_CANSTAT) & 0xE0 != MODE_CONFIG:
            raise OSError("MCP2515: no chip answers on this SPI bus and CS pin (CANSTAT not in config mode after reset)")
        cnf1, cnf2, cnf3 = bit_timing(osc_hz, bitrate)
        self._write(_CNF3, bytes((cnf3, cnf2, cnf1)))  # CNF3, CNF2, CNF1 are consecutive
        self._write(_CANINTE, b"\x00")
        self._write(_RXB0CTRL, bytes((_BUKT,)))
        self._write(_RXB1CTRL, b"\x00")
        self.accept(0, (0,))

    # --- SPI instructions (datasheet section 12) -------------------------
    def reset(self):
        self._buf[0] = _RESET
        self._xfer(1)
        time.sleep_ms(5)  # oscillator start-up (128 clocks) and the reset itself

    def _xfer(self, n):
        self._cs(0)
        try:
            self._spi.write_readinto(self._mv[:n], self._mv[:n])
        finally:
            self._cs(1)

    def _read(self, addr, n):
        """``n`` registers from ``addr``: a memoryview into the shared buffer."""
        self._buf[0] = _READ
        self._buf[1] = addr
        for i in range(2, 2 + n):
            self._buf[i] = 0
        self._xfer(2 + n)
        return self._mv[2:2 + n]

    def _read1(self, addr):
        return self._read(addr, 1)[0]

    def _write(self, addr, data):
        self._buf[0] = _WRITE
        self._buf[1] = addr
        self._buf[2:2 + len(data)] = data
        self._xfer(2 + len(data))

    def _bitmod(self, addr, mask, value):
        self._buf[0] = _BITMOD
        self._buf[1] = addr
        self._buf[2] = mask
        self._buf[3] = value
        self._xfer(4)

    # --- modes and filters ------------------------------------------------
    def mode(self, mode):
        """Requests an operation mode (MODE_*) and waits until the chip is in it."""
        self._bitmod(_CANCTRL, 0xE0, mode)
        deadline = time.ticks_add(time.ticks_ms(), self._timeout)
        while self._read1(_CANSTAT) & 0xE0 != mode:
            if time.ticks_diff(deadline, time.ticks_ms()) <= 0:
                raise OSError("MCP2515: mode 0x%02x not reached" % mode)
            time.sleep_ms(1)

    def start(self, mode=MODE_NORMAL):
        """Leaves configuration mode: the chip takes part in the bus."""
        self.mode(mode)

    def accept(self, mask, ids):
        """Receives only standard ids whose ``mask`` bits equal those of one of
        ``ids`` (1..6 ids; mask 0 takes every frame). Configuration mode only."""
        hi, lo = _id_bytes(mask)
        for base in (_RXM0, _RXM1):
            self._write(base, bytes((hi, lo, 0, 0)))
        for i, addr in enumerate(_FILTERS):
            hi, lo = _id_bytes(ids[min(i, len(ids) - 1)])
            self._write(_RXF0 + addr, bytes((hi, lo, 0, 0)))

    # --- frames -------------------------------------------------------------
    def send(self, can_id, data):
        """Queues one standard data frame (0..8 bytes) in TXB0 once the previous
        has left; False when TXB0 stayed busy for ``timeout_ms`` (bus off, no
        other node to acknowledge): that frame is then aborted."""
        deadline = time.ticks_add(time.ticks_ms(), self._timeout)
        while self._read1(_TXB0CTRL) & _TXREQ:
            if time.ticks_diff(deadline, time.ticks_ms()) <= 0:
                self._bitmod(_TXB0CTRL, _TXREQ, 0)
                return False
            time.sleep_ms(1)
        hi, lo = _id_bytes(can_id)
        self._write(_TXB0CTRL + 1, bytes((hi, lo, 0, 0, len(data))) + data)
        self._bitmod(_TXB0CTRL, _TXREQ, _TXREQ)
        return True

    def ready(self):
        """True when TXB0 is free: the previous frame has left (or was aborted)."""
        return not self._read1(_TXB0CTRL) & _TXREQ

    def abort(self):
        """Withdraws the frame in TXB0 (it found no node to acknowledge it)."""
        self._bitmod(_TXB0CTRL, _TXREQ, 0)

    def recv(self):
        """The oldest received standard frame as (id, bytes), or None."""
        for _ in range(2):  # two receive buffers; bounded so a chip gone (reads 0xff) cannot hang the caller
            flags = self._read1(_CANINTF)
            if flags & _RX0IF:
                base, bit = _RXB0CTRL, _RX0IF
            elif flags & _RX1IF:
                base, bit = _RXB1CTRL, _RX1IF
            else:
                self._check_overrun()
                return None
            raw = self._read(base + 1, 13)
            sidh, sidl, dlc = raw[0], raw[1], raw[4] & 0x0F
            data = bytes(raw[5:5 + min(dlc, 8)])
            self._bitmod(_CANINTF, bit, 0)
            if sidl & _IDE:
                self.dropped += 1
                continue
            return sidh << 3 | sidl >> 5, data
        return None

    def _check_overrun(self):
        eflg = self._read1(_EFLG)
        if eflg & _RXOVR:
            self.overruns += (eflg >> 6 & 1) + (eflg >> 7 & 1)
            self._bitmod(_EFLG, _RXOVR, 0)
