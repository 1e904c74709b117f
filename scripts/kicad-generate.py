#!/usr/bin/python3
"""Writes the KiCad 6 project in kicad/ from scripts/kicad-gen/design.py:
symbol library, footprint library, library tables, schematic and board.

Run with Debian's python (it has the pcbnew module): /usr/bin/python3 scripts/kicad-generate.py
"""
import json
import os
import sys

sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "kicad-gen"))

from footprints import all_footprints  # noqa: E402
from schematic import schematic_text  # noqa: E402
from symbols import library_text  # noqa: E402

ROOT = os.path.join(os.path.dirname(HERE), "kicad")
NAME = "sensor-node"


def write(rel, text):
    with open(os.path.join(ROOT, rel), "w") as f:
        f.write(text)


def main():
    os.makedirs(os.path.join(ROOT, "lib", "sensor_node.pretty"), exist_ok=True)
    write("lib/sensor_node.kicad_sym", library_text())
    for name, text in all_footprints().items():
        write(f"lib/sensor_node.pretty/{name}.kicad_mod", text)
    write("sym-lib-table", '(sym_lib_table\n  (lib (name "sensor_node")(type "KiCad")'
          '(uri "${KIPRJMOD}/lib/sensor_node.kicad_sym")(options "")(descr "Sensor node parts"))\n)\n')
    write("fp-lib-table", '(fp_lib_table\n  (lib (name "sensor_node")(type "KiCad")'
          '(uri "${KIPRJMOD}/lib/sensor_node.pretty")(options "")(descr "Sensor node footprints"))\n)\n')
    write(f"{NAME}.kicad_sch", schematic_text())
    project = {"meta": {"filename": f"{NAME}.kicad_pro", "version": 1},
               "board": {"design_settings": {"rules": {"min_clearance": 0.2, "min_track_width": 0.2}}},
               "sheets": [], "text_variables": {}}
    # pcbnew fills the project file in when it saves the board; --no-board keeps that version
    if "--no-board" not in sys.argv or not os.path.exists(os.path.join(ROOT, f"{NAME}.kicad_pro")):
        write(f"{NAME}.kicad_pro", json.dumps(project, indent=2) + "\n")
    if "--no-board" not in sys.argv:
        import board  # pcbnew is only in Debian's python
        board.build(os.path.join(ROOT, f"{NAME}.kicad_pcb"), os.path.join(ROOT, "lib", "sensor_node.pretty"))
    print(f"wrote {ROOT}/{NAME}.kicad_sch, .kicad_pcb, lib/")


if __name__ == "__main__":
    main()
