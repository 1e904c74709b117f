"""Builds kicad/sensor-node.kicad_pcb with pcbnew: placement, hand-placed
routes (all on the top layer), a solid ground pour on both layers.

Coordinates are millimetres on the KiCad page; the board spans
x 100..147, y 98..165 (47 x 67 mm).
"""
import pcbnew

from design import PARTS
from sexpr import uid

EDGE = [(100, 98), (147, 98), (147, 165), (100, 165)]
# ref: (x, y, rotation) of the footprint origin (pin 1 for connectors)
PLACE = {
    "U1": (105, 108, 0), "U2": (104, 150, 0), "U3": (126, 150, 0),
    "J1": (110, 102.5, 0),
    "R1": (112, 114, 270), "R2": (112, 118.5, 270), "C4": (115, 118.5, 270),
    "C3": (143.1, 114.5, 270), "C1": (107, 157.5, 270), "C2": (123, 157.5, 270),
    "TP1": (109.08, 145, 0), "TP2": (111.62, 145, 0), "TP3": (131.08, 145, 0),
    "TP4": (133.62, 145, 0), "TP5": (140, 145, 0),
    "H1": (103.5, 101.5, 0), "H2": (143.5, 101.5, 0), "H3": (103.5, 161.5, 0), "H4": (143.5, 161.5, 0),
}
SIGNAL, POWER = 0.3, 0.5
# net: list of (width, [points or "REF.pad"]) polylines on F.Cu
ROUTES = {
    "VBAT": [(POWER, ["J1.1", (110, 105.3), (105, 105.3), "U1.1"]),
             (POWER, ["U1.1", (105, 110.5), (112, 110.5), "R1.1"])],
    "VBAT_SENSE": [(SIGNAL, ["U1.12", (132.94, 105.6), (113.89, 105.6), (113.89, 117.59), "R2.1"]),
                   (SIGNAL, [(113.89, 117.59), "C4.1"]),
                   (SIGNAL, ["R1.2", "R2.1"])],
    "I2C_ENV_SCL": [(SIGNAL, ["U1.8", (122.78, 111), (124.05, 111), (124.05, 138), (109.08, 138),
                              "TP1.1", "U2.3"])],
    "I2C_ENV_SDA": [(SIGNAL, ["U1.9", (125.32, 111), (126.59, 111), (126.59, 140), (111.62, 140),
                              "TP2.1", "U2.4"])],
    "I2C_LIGHT_SCL": [(SIGNAL, ["U1.10", (127.86, 111), (129.13, 111), (129.13, 140), (131.08, 140),
                                "TP3.1", "U3.3"])],
    "I2C_LIGHT_SDA": [(SIGNAL, ["U1.11", (130.4, 111), (131.67, 111), (131.67, 138), (133.62, 138),
                                "TP4.1", "U3.4"])],
    "+3V3": [(POWER, ["U1.16", (145.3, 108), (145.3, 155), (126, 155), (123, 155), (114.16, 155),
                      (107, 155), (104, 155), "U2.1"]),
             (POWER, [(126, 155), "U3.1"]), (POWER, [(123, 155), "C2.1"]),
             (POWER, [(114.16, 155), "U2.5"]), (POWER, [(107, 155), "C1.1"]),
             (POWER, ["U1.16", "C3.1"])],
}
# Ground pads of the surface-mount parts reach the bottom pour through a via.
GND_VIAS = {"R2.2": (112, 121.2), "C4.2": (115, 121.2), "C3.2": (143.1, 117.2),
            "C1.2": (107, 160.2), "C2.2": (123, 160.2)}
# Reference text offsets where the footprint default would collide.
REF_AT = {"TP1": (106.6, 143.2), "TP2": (114.1, 143.2), "TP3": (128.6, 143.2), "TP4": (136.1, 143.2),
          "TP5": (140, 142.6), "R1": (109.6, 114), "R2": (109.6, 118.5), "C4": (117.4, 118.5),
          "C3": (140.6, 114.5), "C1": (109.4, 157.5), "C2": (120.6, 157.5), "J1": (116, 102.5),
          "U2": (110.35, 147.6), "U3": (131.08, 147.6)}


def mm(x, y):
    return pcbnew.wxPointMM(float(x), float(y))


def build(path, fp_lib):
    board = pcbnew.NewBoard(path)
    ds = board.GetDesignSettings()
    ds.SetCopperLayerCount(2)
    nets = {}
    for part in PARTS.values():
        for name in part["nets"].values():
            if name not in nets:
                nets[name] = pcbnew.NETINFO_ITEM(board, name)
                board.Add(nets[name])
    fps = {}
    for ref, part in PARTS.items():
        fp = pcbnew.FootprintLoad(fp_lib, part["fp"])
        fp.SetFPID(pcbnew.LIB_ID("sensor_node", part["fp"]))
        fp.SetReference(ref)
        fp.SetValue(part["value"])
        fp.SetPath(pcbnew.KIID_PATH("/" + uid("sym", ref)))
        x, y, rot = PLACE[ref]
        fp.SetPosition(mm(x, y))
        fp.SetOrientationDegrees(rot)
        if ref in REF_AT:
            fp.Reference().SetPosition(mm(*REF_AT[ref]))
            fp.Reference().SetTextAngle(0)
        for pad in fp.Pads():
            net = part["nets"].get(int(pad.GetNumber())) if pad.GetNumber() else None
            if net:
                pad.SetNet(nets[net])
        board.Add(fp)
        fps[ref] = fp

    def point(p):
        if isinstance(p, str):
            ref, num = p.split(".")
            pos = fps[ref].FindPadByNumber(num).GetPosition()
            return (pcbnew.ToMM(pos.x), pcbnew.ToMM(pos.y))
        return p

    def track(net, width, a, b, layer=pcbnew.F_Cu):
        t = pcbnew.PCB_TRACK(board)
        t.SetStart(mm(*a))
        t.SetEnd(mm(*b))
        t.SetWidth(pcbnew.FromMM(width))
        t.SetLayer(layer)
        t.SetNet(nets[net])
        board.Add(t)

    for net, polylines in ROUTES.items():
        for width, pts in polylines:
            pts = [point(p) for p in pts]
            for a, b in zip(pts, pts[1:]):
                if a[0] != b[0] and a[1] != b[1] and abs(a[0] - b[0]) > 0.01 and abs(a[1] - b[1]) > 0.01:
                    raise ValueError(f"{net}: diagonal segment {a} -> {b}")
                track(net, width, a, b)
    for pad, at in GND_VIAS.items():
        track("GND", POWER, point(pad), at)
        via = pcbnew.PCB_VIA(board)
        via.SetPosition(mm(*at))
        via.SetWidth(pcbnew.FromMM(0.8))
        via.SetDrill(pcbnew.FromMM(0.4))
        via.SetNet(nets["GND"])
        board.Add(via)

    for a, b in zip(EDGE, EDGE[1:] + EDGE[:1]):
        seg = pcbnew.PCB_SHAPE(board)
        seg.SetShape(pcbnew.SHAPE_T_SEGMENT)
        seg.SetStart(mm(*a))
        seg.SetEnd(mm(*b))
        seg.SetLayer(pcbnew.Edge_Cuts)
        seg.SetWidth(pcbnew.FromMM(0.1))
        board.Add(seg)

    for layer in (pcbnew.F_Cu, pcbnew.B_Cu):
        zone = pcbnew.ZONE(board)
        zone.SetLayer(layer)
        zone.SetNet(nets["GND"])
        outline = zone.Outline()
        outline.NewOutline()
        for x, y in EDGE:
            outline.Append(pcbnew.FromMM(x), pcbnew.FromMM(y))
        zone.SetLocalClearance(pcbnew.FromMM(0.3))
        zone.SetMinThickness(pcbnew.FromMM(0.25))
        zone.SetThermalReliefGap(pcbnew.FromMM(0.5))
        zone.SetThermalReliefSpokeWidth(pcbnew.FromMM(0.5))
        zone.SetPadConnection(pcbnew.ZONE_CONNECTION_THERMAL)
        zone.SetIslandRemovalMode(pcbnew.ISLAND_REMOVAL_MODE_ALWAYS)
        board.Add(zone)

    for text, (x, y), size in (("ESP-NOW sensor node v1", (128, 100.2), 1.2),
                               ("LiPo", (110.9, 99.6), 0.8),
                               ("BME280 0x76", (110.35, 163.3), 1.0), ("BH1750 0x23", (131.08, 163.3), 1.0),
                               ("antenna end ->", (138, 133.6), 0.8)):
        t = pcbnew.PCB_TEXT(board)
        t.SetText(text)
        t.SetPosition(mm(x, y))
        t.SetLayer(pcbnew.F_SilkS)
        t.SetTextSize(pcbnew.wxSizeMM(size, size))
        t.SetTextThickness(pcbnew.FromMM(size * 0.15))
        board.Add(t)

    pcbnew.ZONE_FILLER(board).Fill(board.Zones())
    board.Save(path)
    return board
