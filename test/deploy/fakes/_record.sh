# Sourced by every fake: appends "name args..." to $FAKE_STATE/calls.log.
printf '%s %s\n' "$(basename "$0")" "$*" >>"$FAKE_STATE/calls.log"
# root_of ARGS...: the value after --root (or --root=), else empty.
root_of() {
  local prev=''
  for a in "$@"; do
    [[ $prev == --root ]] && { printf '%s' "$a"; return; }
    [[ $a == --root=* ]] && { printf '%s' "${a#--root=}"; return; }
    prev=$a
  done
}
