"""Footprints of the project library (kicad/lib/sensor_node.pretty)."""
from design import D32_PINS, D32_SILK
from sexpr import q, n

ROW = 22.86   # LOLIN D32 header rows, 0.9 in apart
PITCH = 2.54


def text(kind, value, x, y, layer, size=1.0, angle=0, hide=False):
    rot = f" {n(angle)}" if angle else ""
    return (f"(fp_text {kind} {q(value)} (at {n(x)} {n(y)}{rot}) (layer {q(layer)}){' hide' if hide else ''}\n"
            f"    (effects (font (size {n(size)} {n(size)}) (thickness {n(size * 0.15)}))))")


def line(x1, y1, x2, y2, layer, width):
    return f"(fp_line (start {n(x1)} {n(y1)}) (end {n(x2)} {n(y2)}) (layer {q(layer)}) (width {n(width)}))"


def box(x1, y1, x2, y2, layer, width):
    return [line(x1, y1, x2, y1, layer, width), line(x2, y1, x2, y2, layer, width),
            line(x2, y2, x1, y2, layer, width), line(x1, y2, x1, y1, layer, width)]


def tht(num, x, y, size=1.7, drill=1.0, shape=None):
    shape = shape or ("rect" if num == "1" else "circle")
    return (f"(pad {q(num)} thru_hole {shape} (at {n(x)} {n(y)}) (size {n(size)} {n(size)}) "
            f"(drill {n(drill)}) (layers *.Cu *.Mask))")


def footprint(name, descr, attr, items):
    body = "\n  ".join(items)
    return (f"(footprint {q(name)} (version 20211014) (generator sensor_node_gen) (layer \"F.Cu\")\n"
            f"  (descr {q(descr)})\n  (attr {attr})\n  {body}\n)\n")


def d32_socket():
    items = [text("reference", "REF**", 19.05, 11.43 - 2, "F.Fab"),
             text("value", "LOLIN_D32", 19.05, 11.43 + 2, "F.Fab")]
    for num, (name, _) in D32_PINS.items():
        top = num <= 16
        x = (num - 1 if top else num - 17) * PITCH
        y = 0 if top else ROW
        items.append(tht(str(num), x, y))
        label = D32_SILK.get(num, name.replace("IO", ""))
        ty = y + (2.1 if top else -2.1)
        items.append(f"(fp_text user {q(label)} (at {n(x)} {n(ty)} 90) (layer \"F.SilkS\")\n"
                     f"    (effects (font (size 0.8 0.8) (thickness 0.12)) (justify {'right' if top else 'left'})))")
    # The D32 itself: 57 x 25.4 mm, USB end at pin 1, antenna end past pin 16.
    items += box(-9.45, ROW / 2 - 12.7, 47.55, ROW / 2 + 12.7, "F.Fab", 0.1)
    items.append(text("user", "USB", -7, ROW / 2, "F.Fab", angle=90))
    items.append(text("user", "ANTENNA", 44, ROW / 2, "F.Fab", angle=90))
    for y in (0, ROW):
        items += box(-1.5, y - 1.5, 15 * PITCH + 1.5, y + 1.5, "F.CrtYd", 0.05)
        items += box(-1.37, y - 1.37, 15 * PITCH + 1.37, y + 1.37, "F.SilkS", 0.12)
    return footprint("LOLIN_D32_Socket", "Two 1x16 female headers, 2.54 mm pitch, rows 22.86 mm apart, "
                     "for a WEMOS LOLIN D32 (pads numbered as the symbol, silk shows GPIO numbers)",
                     "through_hole", items)


def module_socket(name, labels, body_w, body_h, descr):
    count = len(labels)
    span = (count - 1) * PITCH
    items = [text("reference", "REF**", span / 2, -2.6, "F.SilkS"),
             text("value", name, span / 2, body_h / 2, "F.Fab")]
    for i, label in enumerate(labels):
        items.append(tht(str(i + 1), i * PITCH, 0))
        items.append(f"(fp_text user {q(label)} (at {n(i * PITCH)} 2.1 90) (layer \"F.SilkS\")\n"
                     f"    (effects (font (size 0.8 0.8) (thickness 0.12)) (justify right)))")
    items += box(span / 2 - body_w / 2, -1.27, span / 2 + body_w / 2, body_h - 1.27, "F.Fab", 0.1)
    items += box(-1.5, -1.5, span + 1.5, 1.5, "F.CrtYd", 0.05)
    items += box(-1.37, -1.37, span + 1.37, 1.37, "F.SilkS", 0.12)
    return footprint(name, descr, "through_hole", items)


def chip_0805(name):
    items = [text("reference", "REF**", 0, -1.7, "F.SilkS", size=0.8),
             text("value", name, 0, 1.7, "F.Fab", size=0.8)]
    for num, x in (("1", -0.9125), ("2", 0.9125)):
        items.append(f"(pad {q(num)} smd roundrect (at {n(x)} 0) (size 1.025 1.4) "
                     f"(layers \"F.Cu\" \"F.Paste\" \"F.Mask\") (roundrect_rratio 0.243902))")
    items += box(-1, -0.625, 1, 0.625, "F.Fab", 0.1)
    items += box(-1.68, -0.95, 1.68, 0.95, "F.CrtYd", 0.05)
    items += [line(-0.227, -0.735, 0.227, -0.735, "F.SilkS", 0.12),
              line(-0.227, 0.735, 0.227, 0.735, "F.SilkS", 0.12)]
    return footprint(name, f"{name[0]} 0805 (2012 metric), hand solderable", "smd", items)


def jst_ph_2():
    items = [text("reference", "REF**", 1, -3, "F.SilkS"),
             text("value", "JST_PH_B2B-PH-K", 1, 4, "F.Fab"),
             "(pad \"1\" thru_hole roundrect (at 0 0) (size 1.2 1.75) (drill 0.75) (layers *.Cu *.Mask) (roundrect_rratio 0.208))",
             "(pad \"2\" thru_hole oval (at 2 0) (size 1.2 1.75) (drill 0.75) (layers *.Cu *.Mask))",
             text("user", "+", -2.9, 0, "F.SilkS")]
    items += box(-1.95, -1.7, 3.95, 2.9, "F.Fab", 0.1)
    items += box(-2.06, -1.81, 4.06, 3.01, "F.SilkS", 0.12)
    items += box(-2.45, -2.2, 4.45, 3.4, "F.CrtYd", 0.05)
    return footprint("JST_PH_B2B-PH-K", "JST PH 2.0 mm, 2 pin, vertical (B2B-PH-K-S), pin 1 = battery +",
                     "through_hole", items)


def test_point():
    items = [text("reference", "REF**", 0, -2, "F.SilkS", size=0.8),
             text("value", "TestPoint", 0, 2, "F.Fab", size=0.8),
             tht("1", 0, 0, size=2.0, drill=1.0, shape="circle"),
             "(fp_circle (center 0 0) (end 1.25 0) (layer \"F.CrtYd\") (width 0.05))"]
    return footprint("TestPoint_THT_D2.0mm", "Test point, plated hole 1.0 mm for a probe hook or a wire",
                     "through_hole", items)


def mounting_hole():
    items = [text("reference", "REF**", 0, -4.2, "F.Fab"),
             text("value", "MountingHole_M3", 0, 4.2, "F.Fab"),
             "(pad \"\" np_thru_hole circle (at 0 0) (size 3.2 3.2) (drill 3.2) (layers *.Cu *.Mask))",
             "(fp_circle (center 0 0) (end 3 0) (layer \"F.Fab\") (width 0.1))",
             "(fp_circle (center 0 0) (end 3.2 0) (layer \"F.CrtYd\") (width 0.05))"]
    return footprint("MountingHole_M3", "Mounting hole for an M3 screw, not plated", "exclude_from_pos_files exclude_from_bom", items)


def all_footprints():
    return {
        "LOLIN_D32_Socket": d32_socket(),
        "GY-BME280_Socket": module_socket("GY-BME280_Socket", ["VCC", "GND", "SCL", "SDA", "CSB", "SDO"],
                                          15.5, 11.5, "1x6 female header 2.54 mm for a GY-BME280 breakout"),
        "GY-302_Socket": module_socket("GY-302_Socket", ["VCC", "GND", "SCL", "SDA", "ADDR"],
                                       13.9, 18.5, "1x5 female header 2.54 mm for a GY-302 (BH1750) breakout"),
        "R_0805": chip_0805("R_0805"),
        "C_0805": chip_0805("C_0805"),
        "JST_PH_B2B-PH-K": jst_ph_2(),
        "TestPoint_THT_D2.0mm": test_point(),
        "MountingHole_M3": mounting_hole(),
    }
