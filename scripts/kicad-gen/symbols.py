"""Schematic symbols of the project library (kicad/lib/sensor_node.kicad_sym)."""
from design import D32_PINS, BME280_PINS, BH1750_PINS
from sexpr import q, n

FONT = "(effects (font (size 1.27 1.27)))"
HIDE = "(effects (font (size 1.27 1.27)) hide)"
STROKE = "(stroke (width 0.254) (type default) (color 0 0 0 0))"


def pin(kind, x, y, angle, length, name, number, hidden=False):
    return (f"(pin {kind} line (at {n(x)} {n(y)} {angle}) (length {n(length)})"
            f"{' hide' if hidden else ''} (name {q(name)} {FONT}) (number {q(number)} {FONT}))")


def rect(x1, y1, x2, y2, fill="background"):
    return (f"(rectangle (start {n(x1)} {n(y1)}) (end {n(x2)} {n(y2)}) {STROKE} "
            f"(fill (type {fill})))")


def poly(points, fill="none"):
    pts = " ".join(f"(xy {n(x)} {n(y)})" for x, y in points)
    return f"(polyline (pts {pts}) {STROKE} (fill (type {fill})))"


def circle(x, y, r):
    return f"(circle (center {n(x)} {n(y)}) (radius {n(r)}) {STROKE} (fill (type none)))"


def symbol(name, ref, value, footprint, graphics, pins, datasheet="~", extra="",
           props_y=(0, 0), power=False, in_bom=True, prefix=""):
    top, bottom = props_y
    head = f"(symbol {q(prefix + name)}{' (power)' if power else ''}"
    if power:
        head += " (pin_names (offset 0) hide) (pin_numbers hide)"
    if extra:
        head += " " + extra
    head += f" (in_bom {'yes' if in_bom else 'no'}) (on_board yes)"
    props = [
        f"(property \"Reference\" {q(ref)} (id 0) (at 0 {n(top)} 0) {HIDE if power else FONT})",
        f"(property \"Value\" {q(value)} (id 1) (at 0 {n(bottom)} 0) {FONT})",
        f"(property \"Footprint\" {q(footprint)} (id 2) (at 0 0 0) {HIDE})",
        f"(property \"Datasheet\" {q(datasheet)} (id 3) (at 0 0 0) {HIDE})",
    ]
    body = f"(symbol {q(name + '_0_1')} {' '.join(graphics)})"
    pin_unit = f"(symbol {q(name + '_1_1')} {' '.join(pins)})"
    return "\n  ".join([head] + props + [body, pin_unit]) + ")"


def module_pins(table, x):
    count = len(table)
    y0 = (count - 1) * 2.54 / 2
    return [pin(kind, x, y0 - i * 2.54, 0, 2.54, name, str(num))
            for i, (num, (name, kind)) in enumerate(sorted(table.items()))]


def all_symbols(prefix=""):
    d32_pins = []
    for num, (name, kind) in D32_PINS.items():
        if num <= 16:
            d32_pins.append(pin(kind, -15.24, -19.05 + (num - 1) * 2.54, 0, 2.54, name, str(num)))
        else:
            d32_pins.append(pin(kind, 15.24, -19.05 + (num - 17) * 2.54, 180, 2.54, name, str(num)))
    return [
        symbol("LOLIN_D32", "U", "LOLIN_D32", "sensor_node:LOLIN_D32_Socket",
               [rect(-12.7, 21.59, 12.7, -21.59)], d32_pins,
               "https://www.wemos.cc/en/latest/d32/d32.html", props_y=(22.86, -22.86), prefix=prefix),
        symbol("GY-BME280", "U", "GY-BME280", "sensor_node:GY-BME280_Socket",
               [rect(-7.62, 8.89, 7.62, -8.89)], module_pins(BME280_PINS, -10.16),
               "https://www.bosch-sensortec.com/products/environmental-sensors/humidity-sensors-bme280/",
               props_y=(10.16, -10.16), prefix=prefix),
        symbol("GY-302", "U", "GY-302", "sensor_node:GY-302_Socket",
               [rect(-7.62, 7.62, 7.62, -7.62)], module_pins(BH1750_PINS, -10.16),
               "https://www.mouser.com/datasheet/2/348/bh1750fvi-e-186247.pdf",
               props_y=(8.89, -8.89), prefix=prefix),
        symbol("R", "R", "R", "sensor_node:R_0805", [rect(-1.016, 2.54, 1.016, -2.54, "none")],
               [pin("passive", 0, 3.81, 270, 1.27, "~", "1"), pin("passive", 0, -3.81, 90, 1.27, "~", "2")],
               props_y=(5.08, -5.08), extra="(pin_names (offset 0) hide) (pin_numbers hide)", prefix=prefix),
        symbol("C", "C", "C", "sensor_node:C_0805",
               [poly([(-2.032, 0.762), (2.032, 0.762)]), poly([(-2.032, -0.762), (2.032, -0.762)])],
               [pin("passive", 0, 3.81, 270, 3.048, "~", "1"), pin("passive", 0, -3.81, 90, 3.048, "~", "2")],
               props_y=(5.08, -5.08), extra="(pin_names (offset 0) hide) (pin_numbers hide)", prefix=prefix),
        symbol("Battery_Conn", "J", "Battery_Conn", "sensor_node:JST_PH_B2B-PH-K",
               [rect(-2.54, 1.27, 2.54, -3.81)],
               [pin("passive", -5.08, 0, 0, 2.54, "+", "1"), pin("passive", -5.08, -2.54, 0, 2.54, "-", "2")],
               props_y=(3.81, -6.35), prefix=prefix),
        symbol("TestPoint", "TP", "TestPoint", "sensor_node:TestPoint_THT_D2.0mm",
               [circle(0, 3.302, 0.762)], [pin("passive", 0, 0, 90, 2.54, "1", "1")],
               props_y=(5.08, 6.604), extra="(pin_names (offset 0) hide) (pin_numbers hide)", prefix=prefix),
        symbol("MountingHole", "H", "MountingHole", "sensor_node:MountingHole_M3",
               [circle(0, 0, 2.54)], [], props_y=(3.81, -3.81), in_bom=False, prefix=prefix),
        symbol("PWR_FLAG", "#FLG", "PWR_FLAG", "",
               [poly([(0, 0), (0, 1.27), (-1.016, 1.905), (0, 2.54), (1.016, 1.905), (0, 1.27)])],
               [pin("power_out", 0, 0, 90, 0, "pwr", "1", hidden=True)],
               props_y=(1.905, 3.81), power=True, prefix=prefix),
    ]


def library_text():
    body = "\n".join(all_symbols())
    return f"(kicad_symbol_lib (version 20211014) (generator sensor_node_gen)\n{body}\n)\n"
