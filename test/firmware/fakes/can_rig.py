"""Test rig for the broker's CAN bridge: a broker whose SPI bus (SCK 18,
CS 5) holds an MCP2515 model on a shared simulated CAN bus, booted like
rig.broker; a frame filed in its receive buffers runs a loop turn (the INT
line; on the board the loop turns every 5 ms and keeps reading a message
it has begun, ``finish_ms``, which nested simulated devices cannot do).

    bus = can_chips.new_bus()
    can_rig.broker("broker", "a0b1c2d3e4f5", "/dev/broker", bus)
"""
from binascii import unhexlify
import sim
import spi_bus
from can_chips import Mcp2515Chip
from chips import FakeUart


def broker(name, mac, root, bus, baud=115200, chip=True):
    w = sim.world()
    d = w.add(name, unhexlify(mac), root)
    d.uart = FakeUart(baud)
    if chip:
        d.can_chip = spi_bus.attach(d, 18, Mcp2515Chip(bus, 5))
        d.can_chip.on_receive = lambda _chip: w.at(w.now, lambda: w.tick(d), d)

    def build():
        import broker_app
        app = broker_app.build(d.uart)
        if app.can is not None:
            app.can.link._finish = 0  # a loop turn on every frame filed (INT), not every 5 ms
        return app
    w.start_broker(d, build)
    return d
