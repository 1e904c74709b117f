"""Bench devices for driver tests: a device with no firmware of its own
(its flash is /fw, so ``lib`` is micropython/lib) on which test code runs
as that device, with chip models wired to it.

    d = bench("b1")
    d.i2c[(22, 21)] = {0x27: Pcf8574Lcd()}
    run("b1", "lcd = Lcd(I2C(0, scl=Pin(22), sda=Pin(21)))")   # statements, in the device's namespace
    value("b1", "lcd._addr")                                    # an expression, as JSON
"""
import json
from binascii import unhexlify
import sim
import spi_bus  # noqa: F401  (installs machine.SPI)

_ns = {}


def bench(name, mac="02cafe000001"):
    w = sim.world()
    d = w.add(name, unhexlify(mac), "/fw")
    d.awake = True
    d.boot_at = w.now
    _ns[name] = {"__name__": name}
    return d


def run(name, code):
    """Runs ``code`` as device ``name``; an exception is recorded in its crashes."""
    w = sim.world()
    d = w.devices[name]
    w.call(d, lambda: exec(code, _ns[name]))


def value(name, expr):
    w = sim.world()
    d = w.devices[name]
    return json.dumps(w.call(d, lambda: eval(expr, _ns[name])))


def crashes(name):
    return json.dumps(sim.world().devices[name].crashes)


_CAN_SETUP = """
from machine import SPI, Pin
import mcp2515, can_link
spi = SPI(2, baudrate=8000000, sck=Pin(18), mosi=Pin(23), miso=Pin(19))
can = mcp2515.MCP2515(spi, Pin(%d, Pin.OUT, value=1), osc_hz=%d)
link = can_link.for_broker(can) if %r is None else can_link.for_node(can, %r)
link._finish = 0  # polled on every frame filed (the INT line), not every 5 ms
can.start()
got = []
"""


def can_device(name, bus, node=None, osc_hz=8000000, chip_osc=8000000, cs=5, wired_cs=5, mac="02cafe000001"):
    """A bench device with an MCP2515 (crystal ``chip_osc``) on SPI SCK 18 / CS
    ``wired_cs`` and a ``link`` (can_link) set up for ``osc_hz`` on pin ``cs``:
    the broker's when ``node`` is None. What arrives is polled into ``got``
    at once (the INT line)."""
    import can_chips
    d = bench(name, mac)
    chip = spi_bus.attach(d, 18, can_chips.Mcp2515Chip(bus, wired_cs, chip_osc))
    d.can_chip = chip
    run(name, _CAN_SETUP % (cs, osc_hz, node, node))
    w = sim.world()

    def interrupt(_chip):
        if getattr(d, "_poll_pending", False):
            return
        d._poll_pending = True

        def poll():
            d._poll_pending = False
            if "link" in _ns[name]:
                run(name, "got += link.poll()")
        w.at(w.now, poll, d)
    chip.on_receive = interrupt
    return d
