#!/usr/bin/env bash
# Everything a user needs to order the sensor node carrier, from the committed
# KiCad files: DRC (fails on any violation), Gerbers + drill (zipped), BOM,
# schematic SVG and board PNG. Needs Debian's kicad package (pcbnew python).
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/python3 scripts/kicad-drc.py
/usr/bin/python3 scripts/kicad-outputs.py
node --import tsx scripts/kicad-render.ts
