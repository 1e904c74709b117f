"""Table checks run inside MicroPython: the protocol vectors and the sensor
reference cases against micropython/lib. Each returns {case id: [problems]}."""
import json
from binascii import hexlify, unhexlify
import espnow_proto as p
import bme280
import bh1750
import sim
from chips import Bh1750Chip, Bme280Chip


def _msg_problems(v):
    data = unhexlify(v["hex"])
    if v.get("invalid"):
        try:
            p.decode_message(data)
        except p.ProtocolError as e:
            return [] if e.code == v["error"] else ["code %s, want %s" % (e.code, v["error"])]
        return ["accepted"]
    m = p.decode_message(data)
    out = []
    for key, got in (("version", m.version), ("kind", m.kind), ("boot", m.boot), ("seq", m.seq),
                     ("unknownRecords", m.unknown), ("invalidRecords", m.invalid)):
        if got != v.get(key, 0):
            out.append("%s %r, want %r" % (key, got, v.get(key)))
    want = [(r["type"], r["raw"]) for r in v["records"]]
    if m.records != want:
        out.append("records %r, want %r" % (m.records, want))
    if not m.unknown and not m.invalid:
        again = p.encode_message(m.kind, m.boot, m.seq, m.records)
        if again != data:
            out.append("re-encoded %s" % str(hexlify(again), "ascii"))
    return out


def _line_problems(v):
    line = v["line"]
    if not v["frame"]:
        try:
            p.decode_line(line)
        except p.ProtocolError as e:
            return [] if e.code == v["error"] else ["code %s, want %s" % (e.code, v["error"])]
        return ["accepted"]
    tag, fields = p.decode_line(line)
    out = []
    if tag != v["tag"] or fields != v["fields"]:
        out.append("decoded %r %r" % (tag, fields))
    if p.encode_line(tag, fields) != line.rstrip("\r").encode() + b"\n":
        out.append("re-encoded %r" % p.encode_line(tag, fields))
    cmd = v.get("command")
    if cmd:
        got = p.parse_gateway_frame(tag, fields)
        want = ("TX", cmd["id"], unhexlify(cmd["mac"]), unhexlify(cmd["payload"])) if cmd["type"] == "tx" \
            else ("TIME", cmd["unixS"])
        if got != want:
            out.append("gateway frame %r" % (got,))
    if v.get("brokerError") == "UNKNOWN_TAG":
        try:
            p.parse_gateway_frame(tag, fields)
            out.append("unknown tag accepted")
        except p.ProtocolError as e:
            if e.code != "UNKNOWN_TAG":
                out.append("code " + e.code)
    return out


def protocol(path):
    with open(path) as f:
        table = json.load(f)
    res = {}
    for v in table["messages"]:
        res["message: " + v["name"]] = _guard(_msg_problems, v)
    for v in table["lines"]:
        res["line: " + v["name"]] = _guard(_line_problems, v)
    return json.dumps(res)


def _guard(fn, v):
    try:
        return fn(v)
    except Exception as e:
        return ["raised %r" % (e,)]


def _overflow(case):
    return any(f.startswith("datasheet:") and "overflow" in f or "dsP64" in f for f in case["flags"])


def bme_maths(path):
    """Pure compensation functions against datasheet.int of every case without C overflow."""
    with open(path) as f:
        ref = json.load(f)
    cal = bme280.parse_calibration(bytes(ref["regs_88_A1"]), bytes(ref["regs_E1_E7"]))
    c = ref["coefficients"]
    names = ["dig_T1", "dig_T2", "dig_T3"] + ["dig_P%d" % i for i in range(1, 10)] + ["dig_H%d" % i for i in range(1, 7)]
    res = {"calibration": [] if list(cal) == [c[n] for n in names] else ["parsed %r" % (cal,)]}
    for case in ref["cases"]:
        if _overflow(case):
            continue
        want = case["datasheet"]["int"]
        adc_t, adc_p, adc_h = bme280.raw_values(bytes(case["regs_F7_FE"]))
        t, t_fine = bme280.compensate_temperature(adc_t, cal)
        got = {"t_fine": t_fine, "T_centi_degC": t, "P64_q24_8": bme280.compensate_pressure(adc_p, t_fine, cal),
               "H_q22_10": bme280.compensate_humidity(adc_h, t_fine, cal)}
        res[case["id"]] = ["%s %d, want %d" % (k, got[k], want[k]) for k in got if got[k] != want[k]]
        if [adc_t, adc_p, adc_h] != [case["adc"]["T"], case["adc"]["P"], case["adc"]["H"]]:
            res[case["id"]].append("raw values")
    return json.dumps(res)


def bme_driver(path):
    """The driver over the register model: every case through the bus."""
    with open(path) as f:
        ref = json.load(f)
    w = sim.world()
    dev = w.add("bench-bme", b"\x02\x00\x00\x00\x00\x01", "/")
    chip = Bme280Chip(bytes(ref["regs_88_A1"]), bytes(ref["regs_E1_E7"]))
    dev.i2c[(26, 25)] = {0x76: chip}
    res = {}

    def run():
        from machine import I2C, Pin
        drv = bme280.BME280(I2C(0, scl=Pin(26), sda=Pin(25)))
        for case in ref["cases"]:
            chip.sample = bytes(case["regs_F7_FE"])
            sk = case["skipped"]
            try:
                got = drv.read_compensated()
            except OSError:
                res[case["id"]] = [] if sk["T"] or sk["P"] or sk["H"] else ["OSError"]
                continue
            if sk["T"] or sk["P"] or sk["H"]:
                res[case["id"]] = ["skipped value accepted"]
            elif not _overflow(case):
                d = case["datasheet"]["int"]
                want = (d["T_centi_degC"], d["P64_q24_8"], d["H_q22_10"])
                res[case["id"]] = [] if got == want else ["got %r, want %r" % (got, want)]
    w.call(dev, run)
    res["crashes"] = dev.crashes
    res["measurements"] = chip.measurements
    res["writes"] = [str(hexlify(x), "ascii") for x in chip.writes[:12]]
    return json.dumps(res)


def bh_cases(path):
    with open(path) as f:
        ref = json.load(f)
    res = {}
    for case in ref["cases"]:
        num, den = case["lux_fraction"]
        mode2 = case["mode_opcode"] in (0x11, 0x21)
        want = (200 * num + den) // (2 * den)
        got = bh1750.centilux_from_raw(case["raw"], case["mtreg"], mode2)
        probs = [] if got == want else ["centilux %d, want %d" % (got, want)]
        lux = bh1750.lux_from_raw(case["raw"], case["mtreg"], mode2)
        if abs(lux - case["lux"]) > 1e-6 * max(1, case["lux"]):
            probs.append("lux %r, want %r" % (lux, case["lux"]))
        res[case["id"]] = probs
    return json.dumps(res)


def bh_driver(path):
    """One-time H-resolution through the chip model, for the cases at MTreg 69."""
    with open(path) as f:
        ref = json.load(f)
    w = sim.world()
    dev = w.add("bench-bh", b"\x02\x00\x00\x00\x00\x02", "/")
    chip = Bh1750Chip()
    dev.i2c[(33, 32)] = {0x23: chip}
    res = {}

    def run():
        from machine import I2C, Pin
        drv = bh1750.BH1750(I2C(1, scl=Pin(33), sda=Pin(32)))
        for case in ref["cases"]:
            if case["mtreg"] != 69:
                continue
            chip.raw = case["raw"]
            lux = drv.measure()
            res[case["id"]] = [] if abs(lux - case["raw"] / 1.2) < 1e-6 * max(1, lux) else ["lux %r" % lux]
    w.call(dev, run)
    res["crashes"] = dev.crashes
    res["writes"] = [str(hexlify(x), "ascii") for x in chip.writes]
    return json.dumps(res)
