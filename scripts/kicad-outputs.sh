#!/usr/bin/env bash
# Everything a user needs to order the sensor node carrier, from the committed
# KiCad files: DRC and KiCad's own ERC (fail on any violation), Gerbers + drill
# (zipped), BOM, schematic SVG (eeschema's plot) and board PNG. Needs Debian's
# kicad package (pcbnew python, eeschema), xvfb, xdotool and imagemagick.
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/python3 scripts/kicad-drc.py
scripts/kicad-erc.sh --strict --plot-svg docs/img/kicad-schematic.svg
/usr/bin/python3 scripts/kicad-outputs.py
node --import tsx scripts/kicad-render.ts
