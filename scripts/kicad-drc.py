#!/usr/bin/python3
"""Runs KiCad 6's design rule check on kicad/sensor-node.kicad_pcb through
pcbnew's Python module (KiCad 6 has no kicad-cli) and fails on any
violation or unconnected pad.

Usage: /usr/bin/python3 scripts/kicad-drc.py [report-path]
"""
import os
import re
import sys

import pcbnew

ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "kicad")


def main():
    report = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "out", "drc.rpt")
    os.makedirs(os.path.dirname(report), exist_ok=True)
    board = pcbnew.LoadBoard(os.path.join(ROOT, "sensor-node.kicad_pcb"))
    pcbnew.ZONE_FILLER(board).Fill(board.Zones())
    if not pcbnew.WriteDRCReport(board, report, pcbnew.EDA_UNITS_MILLIMETRES, True):
        sys.exit("kicad-drc: pcbnew could not write the DRC report")
    text = open(report).read()
    counts = {m.group(2): int(m.group(1)) for m in re.finditer(r"\*\* Found (\d+) (.+?) \*\*", text)}
    print(f"kicad-drc: {counts} (report: {report})")
    if any(counts.values()):
        print(text)
        sys.exit(1)


if __name__ == "__main__":
    main()
