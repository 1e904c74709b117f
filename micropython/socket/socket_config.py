"""Reads and checks ``socket.json``, the wiring of a socket / PDU node. Every
problem is reported together, each naming the file and the key::

    wiring = load_wiring("socket.json")    # ValueError listing every problem

    {"i2c": [{"scl": 22, "sda": 21}],
     "expanders": [{"bus": 0, "addr": 32}],
     "dht": {"pin": 4, "type": "dht22"},
     "channels": [
       {"relay": {"pin": 16}, "meter": {"type": "ina219", "bus": 0, "addr": 64, "shunt_mohm": 100, "max_ma": 3200}},
       {"relay": {"expander": 0, "pin": 3, "active_low": true},
        "meter": {"type": "ina3221", "bus": 0, "addr": 65, "input": 2, "shunt_mohm": 100}},
       {"relay": {"pin": 17}, "meter": {"type": "mains", "voltage_pin": 39, "current_pin": 36,
        "v_zero_mv": 1650, "volts_per_mv": 0.325, "i_zero_mv": 1650, "mv_per_a": 123.3, "hz": 50}}],
     "interval_s": 60, "report_step": 0.2, "humidity_hysteresis": 5.0}

Channels are numbered 1..16 in the order of ``channels``. A channel's
optional ``"max_w"`` (W, with a meter) opens its relay when its power stays
above it for two readings (trip 2, over-power). Over CAN instead
of ESP-NOW (node number 1..127, the MCP2515's SPI pins and crystal)::

     "link": "can", "can": {"node": 5, "sck": 18, "mosi": 23, "miso": 19, "cs": 5, "osc_hz": 8000000}
"""
import json

MAX_CHANNELS = 16
METERS = {
    "ina219": ("bus", "addr", "shunt_mohm"),
    "ina3221": ("bus", "addr", "input", "shunt_mohm"),
    "mains": ("voltage_pin", "current_pin", "v_zero_mv", "volts_per_mv", "i_zero_mv", "mv_per_a"),
}
DHT_TYPES = ("dht11", "dht22")
LINKS = ("espnow", "can")
CAN_PINS = ("sck", "mosi", "miso", "cs")


def _num(errors, where, obj, key, lo, hi, required=True):
    name = where + (" " if where.endswith(":") else ".") + key
    if key not in obj:
        if required:
            errors.append(name + ": missing")
        return None
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
        errors.append("%s: %r is not a number in %s..%s" % (name, value, lo, hi))
        return None
    return value


def _relay(errors, where, relay, n_expanders):
    if not isinstance(relay, dict):
        errors.append("%s: missing (a relay needs a pin)" % where)
        return
    if "expander" in relay:
        _num(errors, where, relay, "expander", 0, n_expanders - 1 if n_expanders else -1)
        _num(errors, where, relay, "pin", 0, 15)
    else:
        _num(errors, where, relay, "pin", 0, 39)


def _meter(errors, where, meter, n_buses):
    kind = meter.get("type")
    if kind not in METERS:
        errors.append("%s.type: %r is not one of %s" % (where, kind, ", ".join(sorted(METERS))))
        return
    for key in METERS[kind]:
        if key == "bus":
            _num(errors, where, meter, key, 0, n_buses - 1 if n_buses else -1)
        elif key == "addr":
            _num(errors, where, meter, key, 0x40, 0x4F)
        elif key == "input":
            _num(errors, where, meter, key, 1, 3)
        elif key.endswith("_pin"):
            _num(errors, where, meter, key, 0, 39)
        else:
            _num(errors, where, meter, key, 0.000001, 1000000)
    if kind == "ina219":
        _num(errors, where, meter, "max_ma", 1, 100000, required=False)
    if kind == "mains":
        _num(errors, where, meter, "hz", 45, 65, required=False)


def _gpios(cfg):
    """{GPIO: where} of every pin the wiring uses besides the CAN link's."""
    used = {}
    for i, bus in enumerate(cfg.get("i2c", [])):
        used[bus.get("scl")] = used[bus.get("sda")] = "i2c[%d]" % i
    if isinstance(cfg.get("dht"), dict):
        used[cfg["dht"].get("pin")] = "dht"
    channels = cfg.get("channels")
    for i, ch in enumerate(channels if isinstance(channels, list) else []):
        relay, meter = ch.get("relay"), ch.get("meter")
        if isinstance(relay, dict) and "expander" not in relay:
            used[relay.get("pin")] = "channels[%d].relay" % i
        for key in ("voltage_pin", "current_pin"):
            if isinstance(meter, dict) and key in meter:
                used[meter[key]] = "channels[%d].meter" % i
    return used


def _can(errors, path, cfg):
    link = cfg.get("link", "espnow")
    if link not in LINKS:
        errors.append("%s: link: %r is not espnow or can" % (path, link))
    if link != "can":
        return
    can = cfg.get("can")
    where = path + ": can"
    if not isinstance(can, dict):
        errors.append("%s: missing (a CAN link needs node, sck, mosi, miso, cs)" % where)
        return
    _num(errors, where, can, "node", 1, 127)
    used = _gpios(cfg)
    for key in CAN_PINS:
        pin = _num(errors, where, can, key, 0, 39)
        if pin is not None and pin in used:
            errors.append("%s.%s: GPIO%d is already used by %s" % (where, key, pin, used[pin]))
    osc = can.get("osc_hz", 8000000)
    if not isinstance(osc, int) or osc % 4000000 or not 4000000 <= osc <= 40000000:
        errors.append("%s.osc_hz: %r is not a crystal that makes 125 kbit/s (8000000 or 16000000)" % (where, osc))
    _num(errors, where, can, "spi", 1, 2, required=False)


def check_wiring(cfg, path="socket.json"):
    """The list of problems of a parsed socket.json (empty when it is good)."""
    errors = []
    if not isinstance(cfg, dict):
        return ["%s: not a JSON object" % path]
    buses = cfg.get("i2c", [])
    for i, bus in enumerate(buses):
        _num(errors, "%s: i2c[%d]" % (path, i), bus, "scl", 0, 39)
        _num(errors, "%s: i2c[%d]" % (path, i), bus, "sda", 0, 39)
    for i, ex in enumerate(cfg.get("expanders", [])):
        _num(errors, "%s: expanders[%d]" % (path, i), ex, "bus", 0, len(buses) - 1 if buses else -1)
        _num(errors, "%s: expanders[%d]" % (path, i), ex, "addr", 0x20, 0x27)
    dht = cfg.get("dht")
    if dht is not None:
        _num(errors, path + ": dht", dht, "pin", 0, 39)
        if dht.get("type") not in DHT_TYPES:
            errors.append("%s: dht.type: %r is not dht11 or dht22" % (path, dht.get("type")))
    channels = cfg.get("channels")
    if not isinstance(channels, list) or not 1 <= len(channels) <= MAX_CHANNELS:
        errors.append("%s: channels: give 1..%d channels" % (path, MAX_CHANNELS))
        channels = []
    for i, ch in enumerate(channels):
        where = "%s: channels[%d]" % (path, i)
        _relay(errors, where + ".relay", ch.get("relay"), len(cfg.get("expanders", [])))
        if ch.get("meter") is not None:
            _meter(errors, where + ".meter", ch["meter"], len(buses))
        if _num(errors, where, ch, "max_w", 1, 100000, required=False) is not None and ch.get("meter") is None:
            errors.append("%s.max_w: needs a meter on the channel" % where)
    _num(errors, path + ":", cfg, "interval_s", 10, 65535, required=False)
    _num(errors, path + ":", cfg, "report_step", 0.01, 10, required=False)
    _num(errors, path + ":", cfg, "humidity_hysteresis", 0, 50, required=False)
    _can(errors, path, cfg)
    return errors


def load_wiring(path):
    """The parsed, checked socket.json; ValueError listing every problem."""
    try:
        with open(path) as f:
            cfg = json.load(f)
    except OSError:
        raise ValueError("%s: missing; the socket needs its wiring (micropython/README.md section 9)" % path)
    except ValueError as e:
        raise ValueError("%s: not JSON (%s)" % (path, e))
    errors = check_wiring(cfg, path)
    if errors:
        raise ValueError("\n".join(errors))
    return cfg
