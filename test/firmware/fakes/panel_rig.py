"""Test rig for the front-panel controller (micropython/panel): a device
with the LCD backpack model on I2C SCL 22 / SDA 21 at 0x27, pulled-up
buttons (pin levels), LEDs on GPIO or a 74HC595 chain; booted as a
listening node whose loop turns run when it asks and when a frame arrives.

    panel_rig.add("p", "a2b2c2d2e2a1", "/dev/p")
    panel_rig.boot("p")
    panel_rig.press("p", 32, 1000)     # pin 32 low now, high again after 1000 ms
    panel_rig.screen("p")              # JSON: the 4 lines the LCD shows
"""
import json
from binascii import unhexlify
import sim
import spi_bus
from lcd_chips import Pcf8574Lcd
from shift_chips import Hc595Chain

LCD_BUS = (22, 21)


def add(name, mac, root, lcd=True, hc595=None):
    w = sim.world()
    d = w.add(name, unhexlify(mac), root)
    d.lcd = Pcf8574Lcd("4bit-half") if lcd else None
    d.i2c[LCD_BUS] = {0x27: d.lcd} if lcd else {}
    d.chain = spi_bus.attach(d, 18, Hc595Chain(hc595[0], hc595[1])) if hc595 else None
    return d


def boot(name):
    w = sim.world()

    def build():
        import panel_app
        return panel_app.build()
    w.start_listening(w.devices[name], build)


def press(name, pin, ms, at=None):
    w = sim.world()
    d = w.devices[name]
    t = w.now if at is None else at

    def down():
        d.pins[pin] = 0

    def up():
        d.pins[pin] = 1
    w.at(t, down)
    w.at(t + ms, up)


def screen(name):
    return json.dumps(sim.world().devices[name].lcd.screen())


def state(name):
    d = sim.world().devices[name]
    out = {"crashes": d.crashes, "boots": d.boots, "pins": {str(k): v for k, v in d.pins.items() if isinstance(v, int)}}
    if d.chain is not None:
        out["chain"] = d.chain.outputs()
    if d.app is not None:
        out["presses"] = d.app.presses
        out["errors"] = d.app.errors
        out["text"] = d.app.text
    return json.dumps(out)
