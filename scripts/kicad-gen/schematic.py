"""Writes kicad/sensor-node.kicad_sch from the parts table.

Every used pin gets a short wire and a net label; every unused pin a
no-connect flag. Symbols are never rotated or mirrored, which keeps the
netlist easy to derive for anyone reading the file (the test does).
"""
import math

from design import PARTS, POWER_FLAGS
from sexpr import q, n, uid, parse, find, first
from symbols import all_symbols

FONT = "(effects (font (size 1.27 1.27)))"
HIDE = "(effects (font (size 1.27 1.27)) hide)"
STUB = 2.54

# Where each symbol sits on the A4 sheet (mm, on the 1.27 mm grid).
PLACES = {
    "U1": (101.6, 101.6), "U2": (213.36, 63.5), "U3": (213.36, 109.22),
    "J1": (45.72, 154.94), "R1": (68.58, 152.4), "R2": (81.28, 170.18),
    "C4": (93.98, 170.18), "C3": (119.38, 177.8), "C1": (134.62, 177.8),
    "C2": (149.86, 177.8),
    # test points and holes stay above the title block (x > 177, y > 172 on A4)
    "TP1": (180.34, 144.78), "TP2": (193.04, 144.78), "TP3": (205.74, 144.78),
    "TP4": (218.44, 144.78), "TP5": (231.14, 144.78),
    "H1": (251.46, 144.78), "H2": (264.16, 144.78), "H3": (251.46, 157.48), "H4": (264.16, 157.48),
}
# Symbols whose Reference and Value sit centred above and below the body, where
# the library puts them (beside the body they would cover pin names).
FIELDS_FROM_LIB = {"LOLIN_D32", "GY-BME280", "GY-302", "Battery_Conn", "MountingHole"}
FLAGS_AT = {"GND": (104.14, 160.02), "VBAT": (33.02, 144.78)}
NOTES = [
    ((27.94, 30.48), "ESP-NOW sensor node carrier: a WEMOS LOLIN D32 (ESP32, on-board LiPo charger)\n"
                     "plugs into U1. GPIO numbers must match micropython/node/config.py\n"
                     "(test/kicad/nets.test.ts checks them)."),
    ((27.94, 139.7), "Battery: LiPo on J1 feeds the D32 BAT pin (its charger charges it from USB).\n"
                     "R1/R2 halve VBAT into GPIO34: BATTERY_DIVIDER = 2.0; C4 steadies the ADC sample."),
    ((170.18, 33.02), "I2C bus 1 (environment): BME280 at 0x76 (SDO to GND, CSB high = I2C)"),
    ((170.18, 129.54), "I2C bus 2 (light): BH1750 at 0x23 (ADDR to GND). Both breakouts carry their own pull-ups."),
]


def lib_fields():
    """Reference and Value offsets per symbol name, in symbol units (y up)."""
    lib = parse("(lib " + "\n".join(all_symbols()) + ")")
    return {sym[1]: {p[1]: (float(first(p, "at")[1]), float(first(p, "at")[2])) for p in find(sym, "property")}
            for sym in find(lib, "symbol")}


def lib_pins():
    """Library pins per symbol name: number -> (x, y, angle) in symbol units (y up)."""
    lib = parse("(lib " + "\n".join(all_symbols()) + ")")
    pins = {}
    for sym in find(lib, "symbol"):
        table = {}
        for unit in find(sym, "symbol"):
            for p in find(unit, "pin"):
                at = first(p, "at")
                table[first(p, "number")[1]] = (float(at[1]), float(at[2]), int(at[3]))
        pins[sym[1]] = table
    return pins


def wire(a, b):
    return (f"(wire (pts (xy {n(a[0])} {n(a[1])}) (xy {n(b[0])} {n(b[1])}))\n"
            f"    (stroke (width 0) (type default) (color 0 0 0 0)) (uuid {uid('wire', a, b)}))")


def label(name, at, angle):
    just = "left bottom" if angle in (0, 90) else "right bottom"
    return (f"(label {q(name)} (at {n(at[0])} {n(at[1])} {angle}) (fields_autoplaced)\n"
            f"    (effects (font (size 1.27 1.27)) (justify {just})) (uuid {uid('label', name, at)}))")


def placed_symbol(ref, part, at, pins, extra_props=()):
    sx, sy = at
    lib_id = "sensor_node:" + part["sym"]
    ref_at, value_at = (sx + 2.54, sy - 1.27), (sx + 2.54, sy + 1.27)
    if part["sym"] in FIELDS_FROM_LIB:
        fields = lib_fields()[part["sym"]]
        ref_at = (sx + fields["Reference"][0], sy - fields["Reference"][1])
        value_at = (sx + fields["Value"][0], sy - fields["Value"][1])
    props = [("Reference", ref, ref_at, ref.startswith("#")),
             ("Value", part["value"], value_at, False),
             ("Footprint", "sensor_node:" + part["fp"] if part["fp"] else "", (sx, sy), True),
             ("Datasheet", "~", (sx, sy), True)] + list(extra_props)
    lines = [f"(symbol (lib_id {q(lib_id)}) (at {n(sx)} {n(sy)} 0) (unit 1)",
             f"  (in_bom {'no' if part['sym'] in ('MountingHole', 'PWR_FLAG') else 'yes'}) (on_board yes)",
             f"  (uuid {uid('sym', ref)})"]
    for i, (key, value, (px, py), hidden) in enumerate(props):
        lines.append(f"  (property {q(key)} {q(value)} (id {i}) (at {n(px)} {n(py)} 0) {HIDE if hidden else FONT})")
    for num in sorted(pins, key=lambda s: int(s)):
        lines.append(f"  (pin {q(num)} (uuid {uid('pin', ref, num)}))")
    return "\n".join(lines) + ")"


def outward(angle):
    rad = math.radians(angle)
    return (-round(math.cos(rad)), round(math.sin(rad)))


def label_angle(d):
    return {(-1, 0): 180, (1, 0): 0, (0, -1): 90, (0, 1): 270}[d]


def schematic_text():
    pins_by_sym = lib_pins()
    items, instances = [], []
    for ref, part in PARTS.items():
        sx, sy = PLACES[ref]
        pins = pins_by_sym[part["sym"]]
        extra = [("Price_EUR", f"{part['price']:.2f}", (sx, sy), True), ("Order", part["order"], (sx, sy), True)]
        items.append(placed_symbol(ref, part, (sx, sy), pins, extra))
        instances.append(f"(path \"/{uid('sym', ref)}\" (reference {q(ref)}) (unit 1) (value {q(part['value'])}) "
                         f"(footprint {q('sensor_node:' + part['fp'])}))")
        for num, (px, py, angle) in pins.items():
            point = (sx + px, sy - py)
            net = part["nets"].get(int(num))
            if net is None:
                items.append(f"(no_connect (at {n(point[0])} {n(point[1])}) (uuid {uid('nc', ref, num)}))")
                continue
            dx, dy = outward(angle)
            end = (point[0] + dx * STUB, point[1] + dy * STUB)
            items += [wire(point, end), label(net, end, label_angle((dx, dy)))]
    for i, net in enumerate(POWER_FLAGS):
        fx, fy = FLAGS_AT[net]
        ref = f"#FLG0{i + 1}"
        items.append(placed_symbol(ref, {"sym": "PWR_FLAG", "value": "PWR_FLAG", "fp": ""}, (fx, fy), {"1": None}))
        instances.append(f"(path \"/{uid('sym', ref)}\" (reference {q(ref)}) (unit 1) (value \"PWR_FLAG\") (footprint \"\"))")
        end = (fx, fy + STUB)
        items += [wire((fx, fy), end), label(net, end, 270)]
    for (x, y), note in NOTES:
        items.append(f"(text {q(note)} (at {n(x)} {n(y)} 0)\n    (effects (font (size 1.524 1.524)) (justify left bottom)) "
                     f"(uuid {uid('text', note)}))")
    libs = "\n".join(all_symbols(prefix="sensor_node:"))
    return (f"(kicad_sch (version 20211123) (generator eeschema)\n\n  (uuid {uid('sheet')})\n\n  (paper \"A4\")\n\n"
            f"  (title_block\n    (title \"ESP-NOW sensor node carrier\")\n    (rev \"1\")\n"
            f"    (company \"espnow-gateway\")\n    (comment 1 \"LOLIN D32 + BME280 + BH1750 + LiPo divider\")\n  )\n\n"
            f"  (lib_symbols\n{libs}\n  )\n\n" + "\n".join(items) +
            "\n\n  (sheet_instances\n    (path \"/\" (page \"1\"))\n  )\n\n  (symbol_instances\n    " +
            "\n    ".join(instances) + "\n  )\n)\n")
