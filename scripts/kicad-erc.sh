#!/usr/bin/env bash
# KiCad's own electrical rules check on kicad/sensor-node.kicad_sch.
#
# KiCad 6.0 has no headless ERC (no kicad-cli, no schematic Python API), so this
# drives the real eeschema GUI on a private virtual X server: it opens a copy
# of the project, runs Inspect > Electrical Rules Checker > Run ERC, saves the
# report with the dialog's Save... button and prints its summary.
#
#   scripts/kicad-erc.sh [--project DIR] [--report FILE] [--strict] [--plot-svg FILE]
#
#   --project DIR    check DIR/sensor-node.kicad_sch instead (default kicad/)
#   --report FILE    where the ERC report goes (default kicad/erc-report.txt)
#   --strict         also fail on warnings
#   --plot-svg FILE  also plot the schematic with eeschema (File > Plot, SVG)
#
# Exit 0: no ERC errors; 1: ERC errors (or warnings with --strict);
# 2: the automation failed (eeschema did not start, a dialog did not appear,
# eeschema reported an error loading the file; a screenshot is kept then).
# Needs: eeschema (Debian kicad 6.0), Xvfb, xdotool; ImageMagick's `import`
# only for failure screenshots. It never touches the files in kicad/ except
# the report (and the plot), and does not read or write your KiCad settings
# (HOME points at a temporary directory for eeschema).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PROJECT=$ROOT/kicad
REPORT=$ROOT/kicad/erc-report.txt
STRICT=0
PLOT_SVG=
while [ $# -gt 0 ]; do
  case $1 in
    --project) PROJECT=$(realpath "$2"); shift 2 ;;
    --report) REPORT=$(realpath -m "$2"); shift 2 ;;
    --strict) STRICT=1; shift ;;
    --plot-svg) PLOT_SVG=$(realpath -m "$2"); shift 2 ;;
    *) echo "usage: $0 [--project DIR] [--report FILE] [--strict] [--plot-svg FILE]" >&2; exit 2 ;;
  esac
done

for tool in eeschema Xvfb xdotool; do
  command -v "$tool" >/dev/null || { echo "kicad-erc: $tool not found (apt-get install kicad xvfb xdotool)" >&2; exit 2; }
done

WORK=$(mktemp -d /tmp/kicad-erc.XXXXXX)
XVFB_PID=
EE_PID=
WATCH_PID=
cleanup() {
  if [ -n "$WATCH_PID" ]; then kill "$WATCH_PID" 2>/dev/null || true; fi
  if [ -n "$EE_PID" ] && kill "$EE_PID" 2>/dev/null; then wait "$EE_PID" 2>/dev/null || true; fi
  if [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null; then wait "$XVFB_PID" 2>/dev/null || true; fi
  [ -n "${KICAD_ERC_KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "kicad-erc: failed at line $LINENO: $BASH_COMMAND" >&2; exit 2' ERR

fail() {
  echo "kicad-erc: $*" >&2
  if command -v import >/dev/null && [ -n "${DISPLAY:-}" ]; then
    import -window root /tmp/kicad-erc-failure.png 2>/dev/null && echo "kicad-erc: screen saved to /tmp/kicad-erc-failure.png" >&2
  fi
  exit 2
}

# A private HOME with the settings KiCad would otherwise ask for on first run
# ("Configure KiCad Settings Path", "Configure Global Symbol Library Table");
# the project brings its own libraries, so the global tables stay empty.
# The plot format (5 = SVG) and the window size are preset so no click lands
# on a radio button whose place depends on fonts.
export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/home/.config
CFG=$XDG_CONFIG_HOME/kicad/6.0
mkdir -p "$CFG" "$WORK/proj"
echo '{"meta": {"version": 2}}' >"$CFG/kicad_common.json"
printf '(sym_lib_table\n)\n' >"$CFG/sym-lib-table"
printf '(fp_lib_table\n)\n' >"$CFG/fp-lib-table"
cat >"$CFG/eeschema.json" <<'EOF'
{"meta": {"version": 1},
 "plot": {"format": 5, "color": true, "background_color": false, "frame_reference": true, "color_theme": "user"},
 "window": {"maximized": false, "pos_x": 0, "pos_y": 0, "size_x": 1600, "size_y": 1000},
 "system": {"first_run_shown": true, "never_show_rescue_dialog": true}}
EOF
for f in sensor-node.kicad_sch sensor-node.kicad_pro sym-lib-table fp-lib-table lib; do
  cp -r "$PROJECT/$f" "$WORK/proj/" || fail "$PROJECT/$f is missing"
done

# Xvfb picks a free display itself and writes its number to the fd we give it.
exec 3<> <(:)
Xvfb -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
read -r -t 20 DISPLAY_NUM <&3 || fail "Xvfb did not start: $(cat "$WORK/xvfb.log")"
exec 3<&-
export DISPLAY=:$DISPLAY_NUM

# wait_window REGEX SECONDS -> prints the first window id whose name matches
wait_window() {
  local deadline=$((SECONDS + $2)) id
  while [ $SECONDS -lt $deadline ]; do
    id=$(xdotool search --name "$1" 2>/dev/null | head -1 || true)
    if [ -n "$id" ]; then echo "$id"; return 0; fi
    kill -0 "$EE_PID" 2>/dev/null || return 1
    check_no_error_dialog "while waiting for \"$1\"" || return 1
    sleep 0.3
  done
  return 1
}

# Any KiCad message box means something went wrong (parse error, missing
# library, rescue offer...). A watcher records every window title for the whole
# session, so a box that pops up late (after a check, or that a later key press
# closes) is still caught.
watch_windows() {
  set +e
  while kill -0 "$XVFB_PID" 2>/dev/null; do
    for id in $(xdotool search --name . 2>/dev/null); do xdotool getwindowname "$id" 2>/dev/null; done >>"$WORK/windows.txt"
    sleep 0.2
  done
}
ALARM='^(Error|Warning|Confirmation|Question)$|Rescue|Symbol Library|Configure|Remap'
check_no_error_dialog() {
  local seen
  seen=$(grep -E "$ALARM" "$WORK/windows.txt" 2>/dev/null | head -1 || true)
  [ -z "$seen" ] || fail "eeschema showed a \"$seen\" window $1"
}

# focus WINDOW: give it the keyboard (no window manager here, so no activate);
# retried because a window that is not mapped yet refuses the focus.
focus() {
  local tries
  for tries in 1 2 3 4 5 6 7 8 9 10; do
    if xdotool windowfocus --sync "$1" 2>/dev/null; then sleep 0.3; return 0; fi
    sleep 0.5
  done
  fail "could not focus window $1 ($(xdotool getwindowname "$1" 2>/dev/null || echo gone))"
}

started=$SECONDS
watch_windows &
WATCH_PID=$!
# The display answers before eeschema starts (xdotool asks it for its size).
deadline=$((SECONDS + 10))
until xdotool getdisplaygeometry >/dev/null 2>&1; do
  [ $SECONDS -lt $deadline ] || fail "Xvfb on :$DISPLAY_NUM does not answer: $(cat "$WORK/xvfb.log")"
  sleep 0.2
done
# Once in CI, with the display up and answering, eeschema said "Unable to
# initialize GTK+, is DISPLAY set properly?" and exited: that start is tried
# again, up to three times; any other failure to open the schematic is final.
for attempt in 1 2 3; do
  eeschema "$WORK/proj/sensor-node.kicad_sch" >"$WORK/eeschema.log" 2>&1 &
  EE_PID=$!
  if MAIN=$(wait_window '^sensor-node .*Schematic Editor$' 60); then break; fi
  if [ "$attempt" -lt 3 ] && grep -q 'Unable to initialize GTK' "$WORK/eeschema.log"; then
    echo "kicad-erc: eeschema could not initialize GTK+ (attempt $attempt), starting it again" >&2
    wait "$EE_PID" 2>/dev/null || true
    EE_PID=
    sleep 1
    continue
  fi
  fail "eeschema did not open the schematic: $(cat "$WORK/eeschema.log")"
done
# The title is set before loading ends; wait until the loading progress window is gone.
deadline=$((SECONDS + 60))
while xdotool search --name '^Loading Schematic' >/dev/null 2>&1; do
  [ $SECONDS -lt $deadline ] || fail "schematic still loading after 60 s"
  sleep 0.3
done
sleep 2
check_no_error_dialog "while loading the schematic"

# open_from_menu ALT_KEY KEYS... TITLE: opens a menu item by keyboard and
# waits for its dialog; retried (Escape closes a half-opened menu) because
# a key press can be lost while eeschema is busy.
open_from_menu() {
  local menu=$1 title=${*: -1} keys=("${@:2:$#-2}") attempt id
  for attempt in 1 2 3; do
    focus "$MAIN"
    xdotool key Escape
    sleep 0.3
    xdotool key "$menu"
    sleep 0.7
    xdotool key "${keys[@]}"
    if id=$(wait_window "$title" 10); then echo "$id"; return 0; fi
  done
  return 1
}

# Inspect > Electrical Rules Checker (first item of the Inspect menu).
ERC=$(open_from_menu alt+i Return '^Electrical Rules Checker$') || fail "the ERC dialog did not open"
read -r W H < <(xdotool getwindowgeometry "$ERC" | awk '/Geometry/ { split($2, s, "x"); print s[1], s[2] }')
# erc_ran: true once the coloured count badge (green 0, red/yellow n) stands
# beside "Errors"; before a run that spot is plain dialog grey. Without this a
# lost key press would save the empty report of an ERC that never ran.
erc_ran() {
  local chroma
  chroma=$(import -window "$ERC" -crop "24x12+$((W - 505))+$((H - 83))" -colorspace HCL -format '%[fx:maxima.g]' info: 2>/dev/null || echo 0)
  awk -v s="$chroma" 'BEGIN { exit !(s > 0.3) }'
}
erc_ran && fail "the ERC dialog shows a result before ERC ran (dialog layout changed?)"
for attempt in 1 2 3; do
  focus "$ERC"
  xdotool key Return # "Run ERC" is the dialog's default button
  deadline=$((SECONDS + 20))
  until erc_ran || [ $SECONDS -ge $deadline ]; do sleep 0.3; done
  erc_ran && break
done
erc_ran || fail "ERC did not run (no result badge in the dialog)"
check_no_error_dialog "after running ERC"

# Save... sits at a fixed place in the 748 x 402 dialog (right end of the "Show:" row).
xdotool mousemove --window "$ERC" $((W - 61)) $((H - 77)) click 1
SAVE=$(wait_window '^Save Report to File$' 20) || fail "the report file dialog did not open"
focus "$SAVE"
rm -f "$WORK/erc.rpt"
xdotool key ctrl+a
xdotool type --delay 5 "$WORK/erc.rpt"
xdotool key Return
deadline=$((SECONDS + 20))
until grep -q 'ERC messages' "$WORK/erc.rpt" 2>/dev/null; do
  [ $SECONDS -lt $deadline ] || fail "no ERC report was written"
  sleep 0.3
done
focus "$ERC"
xdotool key Escape
sleep 0.5

if [ -n "$PLOT_SVG" ]; then
  # File > Plot... (the item above Quit); the output directory field has the focus.
  PLOT=$(open_from_menu alt+f End Up Return '^Plot Schematic Options$') || fail "the plot dialog did not open"
  focus "$PLOT"
  mkdir -p "$WORK/plot"
  xdotool key ctrl+a
  xdotool type --delay 5 "$WORK/plot"
  xdotool key Return # "Plot All Pages" is the default button
  deadline=$((SECONDS + 30))
  until [ -s "$WORK/plot/sensor-node.svg" ] && grep -q '</svg>' "$WORK/plot/sensor-node.svg"; do
    [ $SECONDS -lt $deadline ] || fail "eeschema wrote no SVG plot"
    sleep 0.3
  done
  mkdir -p "$(dirname "$PLOT_SVG")"
  # without the plot date, so an unchanged schematic gives an unchanged file
  sed -e 's|^<title>SVG Picture created as \([^ ]*\) date .*</title>|<title>\1 (KiCad eeschema plot)</title>|' \
    "$WORK/plot/sensor-node.svg" >"$PLOT_SVG"
  focus "$PLOT"
  xdotool key Escape
  sleep 0.5
fi

check_no_error_dialog "during the check"
# Quit (nothing was changed, so eeschema asks nothing).
focus "$MAIN"
xdotool key ctrl+q
for _ in $(seq 1 30); do kill -0 "$EE_PID" 2>/dev/null || break; sleep 0.3; done
check_no_error_dialog "on quitting"

# The report names the temporary copy; keep it stable for the repository.
mkdir -p "$(dirname "$REPORT")"
sed -e '1s/ (.*, Encoding/ (Encoding/' "$WORK/erc.rpt" >"$REPORT"
summary=$(grep 'ERC messages' "$REPORT" | sed 's/^ *\*\* *//')
errors=$(sed -n 's/.*Errors \([0-9]*\).*/\1/p' <<<"$summary")
warnings=$(sed -n 's/.*Warnings \([0-9]*\).*/\1/p' <<<"$summary")
echo "kicad-erc: $summary ($((SECONDS - started)) s; report $REPORT)"
[ -n "$PLOT_SVG" ] && echo "kicad-erc: plot written to $PLOT_SVG"
if [ "$errors" != 0 ] || { [ "$STRICT" = 1 ] && [ "$warnings" != 0 ]; }; then
  grep -v '^$' "$REPORT" | sed -n '3,$p' >&2
  exit 1
fi
exit 0
