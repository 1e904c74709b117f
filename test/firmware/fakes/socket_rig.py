"""Test rig for socket / PDU nodes: builds the device with its chip models on
the buses its socket.json names, boots it as a listening node, cuts its
power, and answers the harness in JSON.

    socket_rig.add(name, mac, root, wiring)      # chips made from the wiring
    socket_rig.boot(name)                        # socket_boot.build() + its turns

With ``"link": "can"`` the device gets an MCP2515 model on the world's CAN
bus (can_chips.shared_bus) at the SCK and CS of ``wiring["can"]``; a frame
it files is read at once (the INT line) and a whole message runs a turn.
    socket_rig.cut(name)                         # power cut: RAM, uncommitted NVS, chip state gone
    socket_rig.state(name)                       # relays, readings, energy, NVS figures
"""
import json
import math
from binascii import unhexlify
import rig
import spi_bus
from can_chips import Mcp2515Chip, shared_bus
from power_chips import Ina219Chip, Ina3221Chip, Mcp23017Chip


def add(name, mac, root, wiring):
    d = rig.W.add(name, unhexlify(mac), root)
    d.wiring = wiring
    d.meters = {}  # channel number -> (chip, input index or None)
    d.expanders = []
    if wiring.get("link") == "can":
        c = wiring["can"]
        d.can_chip = spi_bus.attach(d, c["sck"], Mcp2515Chip(shared_bus(), c["cs"], c.get("osc_hz", 8000000)))
        d.can_chip.on_receive = _interrupt(d)
    buses = [(b["scl"], b["sda"]) for b in wiring.get("i2c", [])]
    for b in buses:
        d.i2c.setdefault(b, {})
    for e in wiring.get("expanders", []) if all(e.get("bus", 9) < len(buses) for e in wiring.get("expanders", [])) else []:
        chip = Mcp23017Chip()
        d.i2c[buses[e["bus"]]][e["addr"]] = chip
        d.expanders.append(chip)
    for n, ch in enumerate(wiring["channels"], 1):
        m = ch.get("meter")
        if not m or m.get("type") not in ("ina219", "ina3221", "mains") or \
                (m["type"] != "mains" and m.get("bus", 99) >= len(buses)):
            continue  # a wiring the firmware must refuse: no chip for it
        if m["type"] == "ina219":
            chip = Ina219Chip(m["shunt_mohm"] / 1000)
            d.i2c[buses[m["bus"]]][m["addr"]] = chip
            d.meters[n] = (chip, None)
        elif m["type"] == "ina3221":
            bus = d.i2c[buses[m["bus"]]]
            chip = bus.get(m["addr"]) or Ina3221Chip()
            bus[m["addr"]] = chip
            chip.shunt_ohm[m["input"] - 1] = m["shunt_mohm"] / 1000
            d.meters[n] = (chip, m["input"] - 1)
        else:
            d.meters[n] = ("mains", m)
    return d


def set_load(name, n, volts, amps, phase_deg=0.0, always=False):
    """Channel ``n``'s load: DC volts and amps for INA meters; for a mains
    meter RMS volts and amps with the current ``phase_deg`` behind the voltage.
    The current flows only while the channel's relay is closed (unless ``always``)."""
    d = rig.W.devices[name]
    chip, where = d.meters[n]
    r = d.wiring["channels"][n - 1]["relay"]

    def closed():
        if always:
            return True
        if "expander" in r:
            level = d.expanders[r["expander"]].level(r["pin"])
        else:
            level = d.pins.get(r["pin"])
        return level is not None and level != int(bool(r.get("active_low")))
    if chip == "mains":
        m = where
        hz = m.get("hz", 50)
        w = 2 * math.pi * hz / 1e6
        v_pk_mv = volts * math.sqrt(2) / m["volts_per_mv"]
        i_pk_mv = amps * math.sqrt(2) * m["mv_per_a"]
        ph = math.radians(phase_deg)
        vz, iz = m["v_zero_mv"], m["i_zero_mv"]
        d.adc_wave[m["voltage_pin"]] = lambda t: int((vz + v_pk_mv * math.sin(w * t)) * 1000)
        d.adc_wave[m["current_pin"]] = lambda t: int((iz + (i_pk_mv * math.sin(w * t - ph) if closed() else 0)) * 1000)
    elif where is None:
        chip.source = lambda: (volts, amps if closed() else 0.0)
    else:
        chip.source[where] = lambda: (volts, amps if closed() else 0.0)


def _interrupt(d):
    w = rig.W

    def pump():
        app = d.app
        if app is not None and w.call(d, app.link.pump):
            w.at(w.now, lambda: w.tick(d), d, True)
    return lambda _chip: w.at(w.now, pump, d)


def boot(name):
    d = rig.W.devices[name]
    can = d.wiring.get("link") == "can"

    def build():
        import socket_boot
        app = socket_boot.build()
        if can:
            app.link.can._finish = 0  # read on every frame filed (INT), as can_rig does for the broker
        return app
    rig.W.start_listening(d, build, can)


def cut(name):
    d = rig.W.devices[name]
    rig.W.power_cut(d)
    for bus in d.i2c.values():
        for chip in bus.values():
            if hasattr(chip, "power_cycle"):
                chip.power_cycle()


def relay_levels(name):
    """What drives each channel's relay coil now: 1 on, 0 off, None floating."""
    d = rig.W.devices[name]
    out = []
    for ch in d.wiring["channels"]:
        r = ch["relay"]
        if "expander" in r:
            level = d.expanders[r["expander"]].level(r["pin"]) if r["expander"] < len(d.expanders) else None
        else:
            level = d.pins.get(r["pin"])
        if level is not None and r.get("active_low"):
            level ^= 1
        out.append(level)
    return out


def state(name):
    d = rig.W.devices[name]
    app = d.app
    out = {"relays": relay_levels(name), "nvs_commits": getattr(d, "nvs_commits", 0),
           "nvs_bytes": getattr(d, "nvs_bytes", 0), "crashes": d.crashes, "boots": d.boots}
    if app is not None:
        out["channels"] = [{"on": c.on, "trip": c.trip, "reading": c.reading, "wh": c.wh, "acc": c.acc,
                            "saved_wh": c.saved_wh, "limits": list(c.settings())} for c in app.channels]
        out["humidity"] = app.humidity
        out["store_writes"] = app.store.writes
    return json.dumps(out)
