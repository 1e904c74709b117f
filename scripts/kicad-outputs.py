#!/usr/bin/python3
"""Makes the ordering files and pictures of the sensor node carrier:

  kicad/out/gerbers/*.gbr, *.drl      Gerbers + Excellon drill (what a fab wants)
  kicad/out/sensor-node-fab.zip       the same, zipped for upload
  kicad/out/render/*.svg              board layers for the README render
  kicad/bom.csv                       parts with rough prices (committed)
  kicad/out/schematic-sketch.svg      quick schematic drawing without KiCad's GUI
                                      (docs/img/kicad-schematic.svg is eeschema's own
                                      plot, made by scripts/kicad-erc.sh --plot-svg)

Run with Debian's python (pcbnew module): /usr/bin/python3 scripts/kicad-outputs.py
scripts/kicad-outputs.sh runs this, the DRC and the PNG render in one go.
"""
import csv
import os
import sys
import zipfile
from collections import OrderedDict

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "kicad-gen"))

import pcbnew  # noqa: E402

from schematic_svg import render  # noqa: E402
from sexpr import parse, find, first  # noqa: E402

REPO = os.path.dirname(HERE)
KICAD = os.path.join(REPO, "kicad")
OUT = os.path.join(KICAD, "out")
FAB_LAYERS = [("F_Cu", pcbnew.F_Cu), ("B_Cu", pcbnew.B_Cu), ("F_Mask", pcbnew.F_Mask), ("B_Mask", pcbnew.B_Mask),
              ("F_SilkS", pcbnew.F_SilkS), ("B_SilkS", pcbnew.B_SilkS), ("F_Paste", pcbnew.F_Paste),
              ("Edge_Cuts", pcbnew.Edge_Cuts)]
RENDER_LAYERS = [("B_Cu", pcbnew.B_Cu), ("F_Cu", pcbnew.F_Cu), ("F_Mask", pcbnew.F_Mask),
                 ("F_SilkS", pcbnew.F_SilkS), ("Edge_Cuts", pcbnew.Edge_Cuts)]


def plot(board, folder, layers, fmt):
    os.makedirs(folder, exist_ok=True)
    pc = pcbnew.PLOT_CONTROLLER(board)
    po = pc.GetPlotOptions()
    po.SetOutputDirectory(folder)
    po.SetPlotFrameRef(False)
    po.SetUseAuxOrigin(False)
    po.SetExcludeEdgeLayer(True)
    po.SetUseGerberProtelExtensions(False)
    po.SetCreateGerberJobFile(fmt == pcbnew.PLOT_FORMAT_GERBER)
    po.SetSubtractMaskFromSilk(True)
    po.SetMirror(False)
    po.SetDrillMarksType(pcbnew.PCB_PLOT_PARAMS.NO_DRILL_SHAPE if fmt == pcbnew.PLOT_FORMAT_GERBER
                         else pcbnew.PCB_PLOT_PARAMS.FULL_DRILL_SHAPE)
    files = []
    for name, layer in layers:
        pc.SetLayer(layer)
        pc.OpenPlotfile(name, fmt, name)
        pc.PlotLayer()
        files.append(pc.GetPlotFileName())
    pc.ClosePlot()
    return files


def fabrication(board):
    folder = os.path.join(OUT, "gerbers")
    files = plot(board, folder, FAB_LAYERS, pcbnew.PLOT_FORMAT_GERBER)
    drill = pcbnew.EXCELLON_WRITER(board)
    drill.SetOptions(False, False, board.GetDesignSettings().GetAuxOrigin(), False)
    drill.SetFormat(True)
    drill.CreateDrillandMapFilesSet(folder, True, False)
    files += [os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".drl")]
    with zipfile.ZipFile(os.path.join(OUT, "sensor-node-fab.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(set(files)):
            z.write(f, os.path.basename(f))
    return sorted(set(files))


def bom(schematic):
    groups = OrderedDict()
    for sym in find(schematic, "symbol"):
        props = {p[1]: p[2] for p in find(sym, "property")}
        if first(sym, "in_bom")[1] != "yes" or props["Reference"].startswith("#"):
            continue
        key = (props["Value"], props["Footprint"], props.get("Order", ""), props.get("Price_EUR", "0"))
        groups.setdefault(key, []).append(props["Reference"])
    rows, total = [], 0.0
    for (value, fp, order, price), refs in groups.items():
        cost = float(price) * len(refs)
        total += cost
        rows.append([" ".join(refs), len(refs), value, fp.split(":")[-1], order, f"{float(price):.2f}", f"{cost:.2f}"])
    with open(os.path.join(KICAD, "bom.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["References", "Qty", "Value", "Footprint", "What to order", "Unit EUR (rough)", "Total EUR"])
        w.writerows(rows)
        w.writerow(["", "", "", "", "Parts total (PCB, screws and battery not included)", "", f"{total:.2f}"])
    return total


def main():
    board = pcbnew.LoadBoard(os.path.join(KICAD, "sensor-node.kicad_pcb"))
    pcbnew.ZONE_FILLER(board).Fill(board.Zones())
    files = fabrication(board)
    plot(board, os.path.join(OUT, "render"), RENDER_LAYERS, pcbnew.PLOT_FORMAT_SVG)
    text = open(os.path.join(KICAD, "sensor-node.kicad_sch")).read()
    with open(os.path.join(OUT, "schematic-sketch.svg"), "w") as f:
        f.write(render(text))
    total = bom(parse(text))
    print(f"kicad-outputs: {len(files)} fabrication files in kicad/out/gerbers (zipped: kicad/out/sensor-node-fab.zip), "
          f"BOM kicad/bom.csv (parts about EUR {total:.2f}), kicad/out/schematic-sketch.svg")


if __name__ == "__main__":
    main()
