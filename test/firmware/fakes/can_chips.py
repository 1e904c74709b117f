"""A simulated CAN 2.0A bus and a register-level MCP2515 model on it.

Mcp2515Chip answers the SPI instructions RESET, READ, WRITE, BIT MODIFY,
READ STATUS and RTS (datasheet DS20001801 section 12) byte by byte within a
chip-select transaction. After reset it is in configuration mode (CANSTAT
0x80, CANCTRL 0x87); CNF1..3, masks and filters can only be written there.
Its bit rate is computed from CNF1..3 and its crystal: a chip whose rate is
not the bus's neither receives nor sends (its frame stays pending with
TXERR). TXREQ in normal mode puts TXB0..2 on the bus; the frame takes
``FRAME_MS`` of bus time, then TXREQ clears, TXnIF is set and every other
chip in normal or listen-only mode at the bus rate files it: into RXB0 when
RXB0's mask and filters (RXF0, RXF1) match and RX0IF is clear, else into
RXB1 (rollover with BUKT, or RXB1's own filters RXF2..5) when RX1IF is
clear, else it is lost and EFLG RX0OVR / RX1OVR is set. A frame is only
sent when some other chip is there to acknowledge it.

    bus = CanBus(world)                       # 125 kbit/s
    chip = spi_bus.attach(dev, 18, Mcp2515Chip(bus, cs=5))
    bus.frames                                # [(t ms, sender dev name, id, data bytes)]
    chip.on_receive = fn                      # called when a frame was filed (the INT line)
"""
import sim

FRAME_MS = 1  # an 8-byte standard frame is 108..130 bits: about 1 ms at 125 kbit/s

_CANSTAT = 0x0E
_CANCTRL = 0x0F
_CNF3, _CNF2, _CNF1 = 0x28, 0x29, 0x2A
_CANINTF = 0x2C
_EFLG = 0x2D
_TXB = (0x30, 0x40, 0x50)
_RXB0, _RXB1 = 0x60, 0x70
_CONFIG_ONLY = set(range(0x00, 0x0E)) | set(range(0x10, 0x1E)) | set(range(0x20, 0x28)) | {_CNF3, _CNF2, _CNF1}


def _sid(regs, at):
    return regs[at] << 3 | regs[at + 1] >> 5


class CanBus:
    def __init__(self, world, bitrate=125000):
        self.world = world
        self.bitrate = bitrate
        self.chips = []
        self.frames = []  # (t, sender name, id, data)
        self._busy_until = 0

    def join(self, chip):
        self.chips.append(chip)

    def request(self, chip):
        """``chip`` has a TXREQ pending: the bus carries it when it is free."""
        start = max(self.world.now, self._busy_until)
        self._busy_until = start + FRAME_MS
        self.world.at(start + FRAME_MS, lambda: self._complete(chip))

    def _complete(self, sender):
        got = sender.take_pending()
        if got is None:
            return
        can_id, data, buf = got
        listeners = [c for c in self.chips if c is not sender and c.on_bus()]
        if not listeners:
            sender.tx_error(buf)  # nobody acknowledged: the MCP2515 keeps retrying
            self.world.at(self.world.now + 5 * FRAME_MS, sender.retry)
            return
        self.frames.append((self.world.now, sender.dev.name, can_id, bytes(data)))
        sender.tx_done(buf)
        for chip in listeners:
            chip.file(can_id, data)
        if any(c.tx_waiting() for c in self.chips):
            for c in self.chips:
                if c.tx_waiting() and not c.requested:
                    c.requested = True
                    self.request(c)


class Mcp2515Chip:
    def __init__(self, bus, cs, osc_hz=8000000):
        self.bus = bus
        self.cs = cs
        self.osc = osc_hz
        self.dev = None
        self.on_receive = None
        self.requested = False
        self.resets = 0
        self.received = 0
        bus.join(self)
        self.reset()

    # --- registers ------------------------------------------------------
    def reset(self):
        self.regs = bytearray(128)
        self.regs[_CANCTRL] = 0x87
        self.regs[_CANSTAT] = 0x80
        self.resets += 1
        self._op = None

    def mode(self):
        return self.regs[_CANSTAT] & 0xE0

    def bitrate(self):
        r = self.regs
        tq = 1 + ((r[_CNF2] & 7) + 1) + ((r[_CNF2] >> 3 & 7) + 1) + ((r[_CNF3] & 7) + 1)
        if not r[_CNF2] & 0x80:  # PS2 from PS1 and IPT
            tq = 1 + ((r[_CNF2] & 7) + 1) + 2 * max((r[_CNF2] >> 3 & 7) + 1, 2)
        return self.osc // (2 * ((r[_CNF1] & 0x3F) + 1) * tq)

    def on_bus(self):
        return self.mode() in (0x00, 0x60) and self.bitrate() == self.bus.bitrate

    def _read_reg(self, addr):
        addr &= 0x7F
        if addr & 0x0F == 0x0E:
            return self.regs[_CANSTAT]
        if addr & 0x0F == 0x0F:
            return self.regs[_CANCTRL]
        return self.regs[addr]

    def _write_reg(self, addr, value):
        addr &= 0x7F
        if addr & 0x0F == 0x0E:
            return
        if addr & 0x0F == 0x0F:
            self.regs[_CANCTRL] = value
            self.regs[_CANSTAT] = (self.regs[_CANSTAT] & 0x1F) | (value & 0xE0)
            self._tx_check()
            return
        if addr in _CONFIG_ONLY and self.mode() != 0x80:
            return
        if addr == _EFLG:
            self.regs[addr] = self.regs[addr] & value & 0xC0 | self.regs[addr] & 0x3F
            return
        if addr in _TXB:
            self.regs[addr] = (self.regs[addr] & 0x70) | (value & 0x0B)
            self._tx_check()
            return
        if addr in (_RXB0, _RXB1):
            self.regs[addr] = (self.regs[addr] & 0x88) | (value & 0x67)
            return
        self.regs[addr] = value

    # --- SPI ------------------------------------------------------------
    def begin(self):
        self._op = None
        self._args = []

    def clock(self, out, mode):
        if mode not in ((0, 0), (1, 1)):
            return b"\x00" * len(out)  # SPI modes 0,0 and 1,1 only: garbage otherwise
        back = bytearray(len(out))
        for i, b in enumerate(out):
            back[i] = self._byte(b)
        return bytes(back)

    def _byte(self, b):
        if self._op is None:
            self._op = b
            self._args = []
            if b == 0xC0:
                self.reset()
                self._op = "done"
            elif b & 0xF8 == 0x80:  # RTS
                for i in range(3):
                    if b >> i & 1:
                        self._write_reg(_TXB[i], self.regs[_TXB[i]] | 0x08)
                self._op = "done"
            return 0
        if self._op == 0x03:  # READ
            if not self._args:
                self._args.append(b)
                return 0
            addr = self._args[0]
            self._args[0] = (addr + 1) & 0x7F
            return self._read_reg(addr)
        if self._op == 0x02:  # WRITE
            if not self._args:
                self._args.append(b)
                return 0
            addr = self._args[0]
            self._args[0] = (addr + 1) & 0x7F
            self._write_reg(addr, b)
            return 0
        if self._op == 0x05:  # BIT MODIFY: address, mask, data
            self._args.append(b)
            if len(self._args) == 3:
                addr, mask, data = self._args
                self._write_reg(addr, (self._read_reg(addr) & ~mask) | (data & mask))
                self._op = "done"
            return 0
        if self._op == 0xA0:  # READ STATUS
            intf = self.regs[_CANINTF]
            r = self.regs
            return (intf & 3) | (r[0x30] & 8) >> 1 | (intf & 4) << 1 | (r[0x40] & 8) << 1 | (intf & 8) << 2 | (r[0x50] & 8) << 3 | (intf & 16) << 3
        return 0xFF

    # --- the bus side -----------------------------------------------------
    def _tx_check(self):
        if self.tx_waiting() and not self.requested:
            self.requested = True
            self.bus.request(self)

    def tx_waiting(self):
        return self.mode() in (0x00,) and any(self.regs[t] & 0x08 for t in _TXB)

    def take_pending(self):
        """The frame to send now: highest TXP, then highest buffer number (datasheet 3.2)."""
        self.requested = False
        if self.mode() != 0x00 or self.bitrate() != self.bus.bitrate:
            for t in _TXB:
                if self.regs[t] & 0x08:
                    self.regs[t] |= 0x10  # TXERR
            return None
        best = None
        for t in _TXB:
            if self.regs[t] & 0x08 and (best is None or self.regs[t] & 3 >= self.regs[best] & 3):
                best = t
        if best is None:
            return None
        dlc = self.regs[best + 5] & 0x0F
        return _sid(self.regs, best + 1), bytes(self.regs[best + 6:best + 6 + min(dlc, 8)]), best

    def tx_done(self, buf):
        self.regs[buf] &= ~0x18
        self.regs[_CANINTF] |= 4 << _TXB.index(buf)

    def tx_error(self, buf):
        self.regs[buf] |= 0x10

    def retry(self):
        self._tx_check()

    def _matches(self, can_id, mask_at, filters):
        mask = _sid(self.regs, mask_at)
        for f in filters:
            if not self.regs[f + 1] & 0x08 and (can_id ^ _sid(self.regs, f)) & mask == 0:
                return True
        return False

    def file(self, can_id, data):
        r = self.regs
        any0 = r[_RXB0] & 0x60 == 0x60
        any1 = r[_RXB1] & 0x60 == 0x60
        to0 = any0 or self._matches(can_id, 0x20, (0x00, 0x04))
        to1 = any1 or self._matches(can_id, 0x24, (0x08, 0x10, 0x14, 0x18))
        intf = r[_CANINTF]
        if to0 and not intf & 1:
            target, flag = _RXB0, 1
        elif to0 and r[_RXB0] & 0x04 and not intf & 2:
            target, flag = _RXB1, 2
        elif to1 and not to0 and not intf & 2:
            target, flag = _RXB1, 2
        else:
            if to0:
                r[_EFLG] |= 0x40
            elif to1:
                r[_EFLG] |= 0x80
            return
        r[target + 1] = can_id >> 3 & 0xFF
        r[target + 2] = (can_id & 7) << 5
        r[target + 3] = r[target + 4] = 0
        r[target + 5] = len(data)
        r[target + 6:target + 6 + len(data)] = data
        r[_CANINTF] |= flag
        self.received += 1
        if self.on_receive is not None:
            self.on_receive(self)


def new_bus(bitrate=125000):
    return CanBus(sim.world(), bitrate)


def shared_bus():
    """The world's one CAN bus (made on first use), for rigs that meet on it."""
    w = sim.world()
    if getattr(w, "can_bus", None) is None:
        w.can_bus = CanBus(w)
    return w.can_bus
