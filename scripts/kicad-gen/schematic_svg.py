"""Renders kicad/sensor-node.kicad_sch to SVG from the file itself.

KiCad 6's eeschema cannot plot without its GUI, so this draws what the
schematic file says: symbol bodies, pins with names and numbers, wires,
labels, no-connect crosses and notes. Unrotated symbols only (as generated).
"""
from html import escape

from sexpr import parse, find, first


def _xy(node):
    return float(node[1]), float(node[2])


def render(text):
    root = parse(text)
    out = []
    libs = {s[1]: s for s in find(first(root, "lib_symbols"), "symbol")}

    def line(x1, y1, x2, y2, color="#840000", width=0.254):
        out.append(f'<line x1="{x1:.2f}" y1="{y1:.2f}" x2="{x2:.2f}" y2="{y2:.2f}" stroke="{color}" stroke-width="{width}"/>')

    def label(x, y, s, size=1.27, anchor="start", color="#000", angle=0):
        rot = f' transform="rotate({-angle} {x:.2f} {y:.2f})"' if angle else ""
        out.append(f'<text x="{x:.2f}" y="{y:.2f}" font-size="{size}" font-family="sans-serif" '
                   f'fill="{color}" text-anchor="{anchor}"{rot}>{escape(s)}</text>')

    for sym in find(root, "symbol"):
        lib = libs[first(sym, "lib_id")[1]]
        sx, sy = _xy(first(sym, "at"))
        for unit in find(lib, "symbol"):
            for r in find(unit, "rectangle"):
                (x1, y1), (x2, y2) = _xy(first(r, "start")), _xy(first(r, "end"))
                out.append(f'<rect x="{sx + min(x1, x2):.2f}" y="{sy - max(y1, y2):.2f}" width="{abs(x2 - x1):.2f}" '
                           f'height="{abs(y2 - y1):.2f}" fill="#ffffc2" stroke="#840000" stroke-width="0.254"/>')
            for p in find(unit, "polyline"):
                pts = " ".join(f"{sx + float(q[1]):.2f},{sy - float(q[2]):.2f}" for q in find(first(p, "pts"), "xy"))
                out.append(f'<polyline points="{pts}" fill="none" stroke="#840000" stroke-width="0.254"/>')
            for c in find(unit, "circle"):
                cx, cy = _xy(first(c, "center"))
                out.append(f'<circle cx="{sx + cx:.2f}" cy="{sy - cy:.2f}" r="{float(first(c, "radius")[1]):.2f}" '
                           f'fill="none" stroke="#840000" stroke-width="0.254"/>')
            for p in find(unit, "pin"):
                if "hide" in p:
                    continue
                px, py, angle = float(first(p, "at")[1]), float(first(p, "at")[2]), int(first(p, "at")[3])
                length = float(first(p, "length")[1])
                dx, dy = {0: (1, 0), 180: (-1, 0), 90: (0, -1), 270: (0, 1)}[angle]
                x1, y1 = sx + px, sy - py
                x2, y2 = x1 + dx * length, y1 + dy * length
                line(x1, y1, x2, y2)
                name, num = first(p, "name")[1], first(p, "number")[1]
                if dy == 0:
                    label(x2 + dx * 0.6, y1 + 0.45, name if name != "~" else "", anchor="start" if dx > 0 else "end",
                          color="#006464")
                    label((x1 + x2) / 2, y1 - 0.4, num, size=1.0, anchor="middle", color="#840000")
                else:
                    label(x1 + 0.5, (y1 + y2) / 2 + 0.3, num, size=1.0, color="#840000")
        for prop in find(sym, "property"):
            effects = first(prop, "effects")
            if prop[1] in ("Reference", "Value") and "hide" not in effects and not prop[2].startswith("#"):
                x, y = _xy(first(prop, "at"))
                label(x, y, prop[2], color="#006464" if prop[1] == "Value" else "#000")
    for w in find(root, "wire"):
        (x1, y1), (x2, y2) = [_xy(q) for q in find(first(w, "pts"), "xy")]
        line(x1, y1, x2, y2, color="#008400", width=0.2)
    for lab in find(root, "label"):
        x, y = _xy(first(lab, "at"))
        angle = int(float(first(lab, "at")[3]))
        anchor = "end" if angle in (180, 270) else "start"
        shown = 90 if angle in (90, 270) else 0
        label(x, y - 0.3, lab[1], anchor=anchor, angle=shown)
    for nc in find(root, "no_connect"):
        x, y = _xy(first(nc, "at"))
        line(x - 0.6, y - 0.6, x + 0.6, y + 0.6, color="#0000c8")
        line(x - 0.6, y + 0.6, x + 0.6, y - 0.6, color="#0000c8")
    for t in find(root, "text"):
        x, y = _xy(first(t, "at"))
        for i, row in enumerate(t[1].split("\n")):
            label(x, y + i * 2.2, row, size=1.524, color="#333")
    title = first(first(root, "title_block"), "title")[1]
    label(210, 200, title, size=2.5)
    body = "\n".join(out)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="297mm" height="210mm" viewBox="0 0 297 210">\n'
            f'<rect width="297" height="210" fill="#fff"/>\n{body}\n</svg>\n')
