"""Test rig: builds simulated sensor nodes and brokers with the hardware of
the original build (BME280 on SCL 26 / SDA 25, BH1750 on SCL 33 / SDA 32,
battery through a 2:1 divider on GPIO34) and answers the harness in JSON."""
import json
from binascii import hexlify, unhexlify
import sim
from chips import Bh1750Chip, Bme280Chip, FakeUart

W = None
ENV_BUS = (26, 25)
LIGHT_BUS = (33, 32)
BATTERY_PIN = 34
DIVIDER = 2


def new_world(seed):
    global W
    W = sim.World(seed)
    return W


def node(name, mac, root, calib1, calib2):
    d = W.add(name, unhexlify(mac), root)
    d.bme = Bme280Chip(calib1, calib2)
    d.bh = Bh1750Chip()
    d.i2c[ENV_BUS] = {0x76: d.bme}
    d.i2c[LIGHT_BUS] = {0x23: d.bh}
    set_battery(name, 3.9)
    return d


def set_battery(name, volts):
    W.devices[name].adc_uv[BATTERY_PIN] = int(volts * 1000000 / DIVIDER)


def broker(name, mac, root, baud=115200):
    d = W.add(name, unhexlify(mac), root)
    d.uart = FakeUart(baud)

    def build():
        import broker_app
        return broker_app.build(d.uart)
    d.build = build
    W.start_broker(d, build)
    return d


def reboot(name):
    """Resets a broker now: it boots again with nothing of its RAM (held
    commands, the nodes it heard); the gateway's UART stays connected."""
    d = W.devices[name]
    W.start_broker(d, d.build)


def feed(name, text):
    d = W.devices[name]
    d.uart.feed(text.encode())
    W.at(W.now, lambda: W.tick(d), d)


def uart_text(name):
    return str(W.devices[name].uart.tx, "utf-8")


def frames():
    return [[t, src, dst if dst == "*" else str(hexlify(dst), "ascii"), str(hexlify(data), "ascii"), n]
            for t, src, dst, data, n in W.frames]


def summary(name):
    d = W.devices[name]
    out = {"boots": d.boots, "sleeps": d.sleeps, "crashes": d.crashes, "channel": d.channel,
           "rtc": len(d.rtc_memory), "clock_set_to": getattr(d, "clock_set_to", None)}
    if hasattr(d, "uart"):
        out["stall_ms"] = d.uart.stall_ms
        out["uart_bytes"] = len(d.uart.tx)
    if d.app is not None:
        out["errors"] = d.app.errors
    return json.dumps(out)


def raw_device(name, mac, channel=1):
    """A radio without firmware, for bursts and hand-made frames."""
    d = W.add(name, unhexlify(mac), "/")
    d.awake = True

    def setup():
        import espnow
        import network
        sta = network.WLAN(0)
        sta.active(True)
        sta.config(channel=channel)
        espnow.ESPNow().active(True)
        d.radio.config(rxbuf=65536)
    W.call(d, setup)
    return d


def raw_send(name, dst, payload_hex):
    d = W.devices[name]
    dst = unhexlify(dst)

    def go():
        try:
            d.radio.get_peer(dst)
        except OSError:
            d.radio.add_peer(dst)
        return d.radio.send(dst, unhexlify(payload_hex), True)
    return W.call(d, go)


def raw_inbox(name):
    d = W.devices[name]
    out = [[str(hexlify(m), "ascii"), str(hexlify(x), "ascii")] for m, x in d.radio._queue]
    d.radio._queue = []
    d.radio._used = 0
    return json.dumps(out)
