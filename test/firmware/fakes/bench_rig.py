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
