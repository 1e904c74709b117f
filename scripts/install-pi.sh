#!/usr/bin/env bash
# Installs the ESP-NOW gateway on Raspberry Pi OS (Debian bookworm or newer) as
# a systemd service. Safe to run again: every step checks before it acts, so a
# second run changes nothing (an upgrade re-runs it from a newer checkout).
# docs/install-pi.md explains each step.
#
#   sudo scripts/install-pi.sh [--dry-run] [--token-file FILE] [--broker-serial SERIAL]
#                              [--panel PANEL] [--no-nodesource] [--root DIR]
#
#   --dry-run            print every action instead of doing it (needs no root)
#   --token-file FILE    InfluxDB token to store (else $INFLUX_TOKEN, else asked on a terminal)
#   --broker-serial S    pin /dev/espnow-broker to the USB serial number S
#   --panel PANEL        2in13b_v4, 2in13b_v3 or 2in13_v4: grant the gateway raw memory
#                        access (/dev/mem, CAP_SYS_RAWIO) that the panel's SPI needs, and
#                        name the panel in a newly created config; none: no such access
#                        (removes an earlier grant). Without it: an earlier grant is kept,
#                        a terminal is asked (y/N), anything else gets no raw access.
#   --no-nodesource      never add the NodeSource apt repository; fail if apt has no Node.js >= 20
#   --root DIR           install into DIR instead of / (tests, SD card images): every path
#                        is prefixed, useradd/groupadd/usermod/systemctl enable get --root;
#                        apt-get still acts on this machine, daemon-reload/restart/udevadm are skipped
set -euo pipefail

readonly SERVICE=espnow-gateway
readonly APP_DIR=/opt/espnow-gateway
readonly CONF_DIR=/etc/espnow-gateway
readonly STATE_DIR=/var/lib/espnow-gateway
readonly UNIT_DIR=/etc/systemd/system
readonly UDEV_DIR=/etc/udev/rules.d
readonly NODE_MAJOR_MIN=20
readonly PANELS='2in13b_v4|2in13b_v3|2in13_v4'
# What the gateway needs at run time and to build rpio's native module.
readonly APP_ITEMS=(package.json package-lock.json tsconfig.json tsconfig.build.json bin src epd assets deploy docs config LICENSE)

src=$(cd "$(dirname "$0")/.." && pwd)
root=/
dry=0
token_file=''
broker_serial=''
panel=auto
grant_mem=0
chosen_panel=''
nodesource=1
reboot_needed=0
config_created=0

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
die() { printf 'install-pi: error: %s\n' "$*" >&2; exit 1; }
step() { printf '==> %s\n' "$*"; }
ok() { printf '    ok: %s\n' "$*"; }
note() { printf '    note: %s\n' "$*"; }

while (($#)); do
  case $1 in
    --dry-run) dry=1 ;;
    --root) root=${2:?--root needs a directory}; shift ;;
    --token-file) token_file=${2:?--token-file needs a file}; shift ;;
    --broker-serial) broker_serial=${2:?--broker-serial needs a value}; shift ;;
    --panel) panel=${2:?--panel needs a panel name or none}; shift ;;
    --no-nodesource) nodesource=0 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
# yes/no/auto: the spellings of earlier versions (no = none).
[[ $panel =~ ^($PANELS|none|auto|yes|no)$ ]] || die "--panel must be one of ${PANELS//|/, } or none"
[[ $panel == no ]] && panel=none
[[ -z $broker_serial || $broker_serial =~ ^[A-Za-z0-9_.:-]+$ ]] || die "--broker-serial: letters, digits and _ . : - only"
root=$(cd "$root" 2>/dev/null && pwd) || die "--root: no such directory"
live() { [[ $root == / ]]; }
# p PATH: the path inside the target root.
p() { if live; then printf '%s' "$1"; else printf '%s%s' "$root" "$1"; fi; }
root_args() { live || printf -- '--root\n%s\n' "$root"; }

# run CMD...: does it, or under --dry-run says it would.
run() {
  if ((dry)); then printf '    would run: %s\n' "$*"; else printf '    run: %s\n' "$*"; "$@"; fi
}
# write_stdin DEST MODE: writes stdin to DEST with MODE, atomically (rename).
write_stdin() {
  local dest=$1 mode=$2
  if ((dry)); then printf '    would write %s (mode %s)\n' "$dest" "$mode"; cat >/dev/null; return; fi
  printf '    write %s (mode %s)\n' "$dest" "$mode"
  local tmp
  mkdir -p "$(dirname "$dest")"
  tmp=$(mktemp "$dest.XXXXXX")
  cat >"$tmp"
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$dest"
}
# install_file SRC DEST MODE: copies only when the content differs.
install_file() {
  local from=$1 dest=$2 mode=$3
  if [[ -f $dest ]] && cmp -s "$from" "$dest"; then ok "$dest is up to date"; return 1; fi
  write_stdin "$dest" "$mode" <"$from"
}
remove_file() {
  [[ -e $1 ]] || return 1
  run rm -f "$1"
}
id_of() { # id_of passwd|group NAME -> numeric id from the target root
  awk -F: -v n="$2" '$1 == n { print $3; found = 1 } END { exit !found }' "$(p "/etc/$1")" 2>/dev/null
}

check_root_user() {
  ((dry)) && return
  [[ $(id -u) -eq 0 ]] || die "run as root: sudo $0 $*"
}

check_os() {
  step "Checking the operating system"
  local file id='' like='' version='' name=''
  file=$(p /etc/os-release)
  [[ -r $file ]] || die "$file not found: this installer is for Raspberry Pi OS / Debian"
  # shellcheck disable=SC1090
  id=$(. "$file"; echo "${ID:-}") like=$(. "$file"; echo "${ID_LIKE:-}")
  version=$(. "$file"; echo "${VERSION_ID:-0}") name=$(. "$file"; echo "${PRETTY_NAME:-unknown}")
  [[ $id == debian || $id == raspbian || $like == *debian* ]] || die "$name is not Debian-based; see docs/install-pi.md for a manual install"
  [[ ${version%%.*} =~ ^[0-9]+$ ]] && ((${version%%.*} >= 12)) || die "$name is older than Debian 12 (bookworm); flash Raspberry Pi OS Lite (bookworm or newer)"
  ok "$name"
}

node_major() { node --version 2>/dev/null | sed -n 's/^v\([0-9]*\)\..*/\1/p'; }
apt_candidate_major() { apt-cache policy nodejs 2>/dev/null | sed -n 's/^ *Candidate: *\([0-9]*\)\..*/\1/p' | head -1; }

ensure_node() {
  step "Node.js ${NODE_MAJOR_MIN} or newer"
  local have
  have=$(node_major || true)
  if [[ -n $have ]] && ((have >= NODE_MAJOR_MIN)); then ok "node $(node --version)"; return; fi
  note "node ${have:+v$have }is missing or older than ${NODE_MAJOR_MIN}"
  local candidate
  candidate=$(apt_candidate_major || true)
  if [[ -n $candidate ]] && ((candidate >= NODE_MAJOR_MIN)); then
    run apt-get install -y nodejs npm
    return
  fi
  ((nodesource)) || die "apt offers nodejs ${candidate:-none} (bookworm ships 18); install Node.js ${NODE_MAJOR_MIN}+ yourself or drop --no-nodesource"
  # Debian bookworm's nodejs is 18. NodeSource's signed apt repository has 20
  # for arm64 and armhf; apt then keeps it updated like any other package.
  note "adding the NodeSource apt repository for Node.js ${NODE_MAJOR_MIN} (apt offers ${candidate:-none})"
  run install -d -m 0755 "$(p /etc/apt/keyrings)"
  if ((dry)); then
    printf '    would run: curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --dearmor -o %s\n' "$(p /etc/apt/keyrings/nodesource.gpg)"
  else
    curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --dearmor --yes -o "$(p /etc/apt/keyrings/nodesource.gpg)"
  fi
  echo "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_${NODE_MAJOR_MIN}.x nodistro main" |
    write_stdin "$(p /etc/apt/sources.list.d/nodesource.list)" 0644
  run apt-get update
  run apt-get install -y nodejs
}

ensure_build_tools() {
  step "Build tools for the rpio and serialport native modules"
  local missing=()
  command -v make >/dev/null || missing+=(make)
  command -v g++ >/dev/null || missing+=(g++)
  command -v python3 >/dev/null || missing+=(python3)
  if ((${#missing[@]} == 0)); then ok "make, g++ and python3 present"; return; fi
  run apt-get install -y --no-install-recommends "${missing[@]}"
}

enable_spi() {
  step "SPI (for the e-ink panel)"
  local config
  if [[ -f $(p /boot/firmware/config.txt) ]]; then config=$(p /boot/firmware/config.txt)
  elif [[ -f $(p /boot/config.txt) ]]; then config=$(p /boot/config.txt)
  else note "no /boot/firmware/config.txt or /boot/config.txt: not a Raspberry Pi? enable SPI yourself"; return; fi
  if grep -Eq '^[[:space:]]*dtparam=spi=on' "$config"; then ok "dtparam=spi=on in $config"; return; fi
  reboot_needed=1
  if live && command -v raspi-config >/dev/null; then run raspi-config nonint do_spi 0; return; fi
  if grep -Eq '^[[:space:]]*#[[:space:]]*dtparam=spi=on' "$config"; then
    run sed -i -E 's/^[[:space:]]*#[[:space:]]*dtparam=spi=on.*/dtparam=spi=on/' "$config"
  else
    { cat "$config"; echo 'dtparam=spi=on'; } | write_stdin "$config" "$(stat -c %a "$config")"
  fi
}

ensure_user() {
  step "Service user $SERVICE (groups dialout, spi, gpio)"
  local group ra
  mapfile -t ra < <(root_args)
  for group in dialout spi gpio; do
    id_of group "$group" >/dev/null || run groupadd --system "${ra[@]}" "$group"
  done
  if ! id_of passwd "$SERVICE" >/dev/null; then
    run useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home --shell /usr/sbin/nologin \
      --groups dialout,spi,gpio "${ra[@]}" "$SERVICE"
    return
  fi
  local missing=()
  for group in dialout spi gpio; do
    awk -F: -v g="$group" -v u="$SERVICE" '$1 == g { n = split($4, m, ","); for (i = 1; i <= n; i++) if (m[i] == u) f = 1 } END { exit !f }' \
      "$(p /etc/group)" || missing+=("$group")
  done
  if ((${#missing[@]})); then run usermod -aG "$(IFS=,; echo "${missing[*]}")" "${ra[@]}" "$SERVICE"; else ok "user exists"; fi
}

# owner_ids: "uid:gid" of the service user in the target root (0:0 in a dry run before it exists).
owner_ids() { printf '%s:%s' "$(id_of passwd "$SERVICE" || echo 0)" "$(id_of group "$SERVICE" || echo 0)"; }
group_id() { id_of group "$SERVICE" || echo 0; }

ensure_dirs() {
  step "Directories"
  run install -d -m 0755 -o 0 -g 0 "$(p "$APP_DIR")" "$(p "$CONF_DIR")"
  run install -d -m 0750 -o "$(id_of passwd "$SERVICE" || echo 0)" -g "$(group_id)" "$(p "$STATE_DIR")"
}

install_app() {
  step "Gateway files in $APP_DIR"
  local items=() item stamp_file sum
  for item in "${APP_ITEMS[@]}"; do [[ -e $src/$item ]] && items+=("$item"); done
  [[ -f $src/package.json ]] || die "$src has no package.json: run this script from the project's checkout"
  sum=$(tar -C "$src" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --exclude=node_modules -cf - "${items[@]}" | sha256sum | cut -d' ' -f1)
  stamp_file=$(p "$APP_DIR/.installed-from")
  if [[ -f $stamp_file && $(cat "$stamp_file") == "$sum" && -d $(p "$APP_DIR/dist") ]]; then ok "already installed from this source ($sum)"; return; fi
  if ((dry)); then
    printf '    would copy %s from %s\n' "${items[*]}" "$src"
  else
    printf '    copy %s from %s\n' "${items[*]}" "$src"
    rm -rf "${items[@]/#/$(p "$APP_DIR")/}"
    tar -C "$src" --exclude=node_modules -cf - "${items[@]}" | tar -C "$(p "$APP_DIR")" --no-same-owner -xf -
  fi
  # `npm ci` installs the dev dependencies too, so the package's `prepare`
  # script (tsc) can build dist/; then the dev dependencies are pruned.
  run npm --prefix "$(p "$APP_DIR")" ci --no-audit --no-fund
  run npm --prefix "$(p "$APP_DIR")" prune --omit=dev --no-audit --no-fund
  echo "$sum" | write_stdin "$stamp_file" 0644
}

install_config() {
  step "Config $CONF_DIR/gateway.yaml"
  local dest example
  dest=$(p "$CONF_DIR/gateway.yaml")
  example=$src/config/gateway.example.yaml
  if [[ -e $dest ]]; then ok "kept the existing config"; return; fi
  [[ -f $example ]] || die "$example is missing"
  local panel_edit=''
  [[ -n $chosen_panel ]] && panel_edit="s#^([[:space:]]+panel:[[:space:]]*)none( |\$)#\\1$chosen_panel\\2#"
  # The example's serial.path is a sample by-id name; the udev rule below makes
  # /dev/espnow-broker. The token goes to the file install_token writes.
  sed -E -e 's|^([[:space:]]+path:[[:space:]]*)/dev/serial/by-id/[^[:space:]]*|\1/dev/espnow-broker|' \
    -e "s|^([[:space:]]+)#[[:space:]]*tokenFile:.*|\\1tokenFile: $CONF_DIR/influx-token|" \
    -e "$panel_edit" "$example" |
    write_stdin "$dest" 0640
  note "serial.path set to /dev/espnow-broker, influx.tokenFile to $CONF_DIR/influx-token${chosen_panel:+, display.panel to $chosen_panel}; add your nodes"
  run chown "0:$(group_id)" "$dest"
  config_created=1
}

install_token() {
  step "InfluxDB token $CONF_DIR/influx-token (mode 0640, root:$SERVICE)"
  local dest token=''
  dest=$(p "$CONF_DIR/influx-token")
  if [[ -n $token_file ]]; then
    [[ -r $token_file ]] || die "--token-file $token_file is not readable"
    token=$(tr -d '\r\n' <"$token_file")
  elif [[ -n ${INFLUX_TOKEN:-} ]]; then
    token=$INFLUX_TOKEN
  elif [[ ! -e $dest && -t 0 && $dry -eq 0 ]]; then
    read -r -s -p '    InfluxDB write token (empty to skip): ' token; echo
  fi
  if [[ -n $token ]]; then
    if [[ -f $dest && $(cat "$dest") == "$token" ]]; then ok "token unchanged"
    else (umask 077; printf '%s\n' "$token" | write_stdin "$dest" 0640); fi
  elif [[ ! -e $dest ]]; then
    note "no token given: put it in $CONF_DIR/influx-token later (re-run with --token-file FILE)"
    return
  fi
  [[ -e $dest ]] || return 0
  if [[ $(stat -c '%a %u:%g' "$dest") != "640 0:$(group_id)" ]]; then
    run chown "0:$(group_id)" "$dest"
    run chmod 0640 "$dest"
  else ok "permissions 0640 root:$SERVICE"; fi
}

# config_panel: display.panel of the installed config (else the example), or nothing.
config_panel() {
  local file
  file=$(p "$CONF_DIR/gateway.yaml")
  [[ -f $file ]] || file=$src/config/gateway.example.yaml
  # The only key named `panel` in the config; commented lines do not match.
  sed -n -E 's/^[[:space:]]+panel:[[:space:]]*["'\'']?([A-Za-z0-9_]+).*/\1/p' "$file" 2>/dev/null | head -1
}

# decide_panel: sets grant_mem (and chosen_panel). /dev/mem reaches every SoC
# register, so it is granted only when asked: never from the example config.
decide_panel() {
  step "e-ink panel: raw memory access (/dev/mem, CAP_SYS_RAWIO) for rpio's SPI"
  local named answer
  named=$(config_panel || true)
  [[ $named == none ]] && named=''
  case $panel in
    none) ok "--panel none: not granted"; return ;;
    yes) grant_mem=1; ok "--panel yes: granted${named:+ (the config names $named)}"; return ;;
    auto) ;;
    *)
      grant_mem=1 chosen_panel=$panel
      ok "--panel $panel: granted"
      if [[ -e $(p "$CONF_DIR/gateway.yaml") && $named != "$panel" ]]; then
        note "$CONF_DIR/gateway.yaml has display.panel: ${named:-none}; set it to $panel"
      fi
      return ;;
  esac
  if [[ -e $(p "$UNIT_DIR/$SERVICE.service.d/panel-spi.conf") ]]; then
    grant_mem=1
    ok "granted by an earlier run; kept (--panel none removes it)"
    return
  fi
  if [[ -t 0 && $dry -eq 0 ]]; then
    read -r -p "    Is a Waveshare e-ink panel on this Pi's header${named:+ (the config names $named)}? It needs raw memory access, /dev/mem [y/N] " answer
    if [[ $answer =~ ^[Yy] ]]; then
      grant_mem=1
      if [[ -z $named ]]; then
        read -r -p "    Which one: ${PANELS//|/, } [2in13b_v4] " answer
        chosen_panel=${answer:-2in13b_v4}
        [[ $chosen_panel =~ ^($PANELS)$ ]] || die "$chosen_panel: not a panel; one of ${PANELS//|/, }"
      fi
      ok "granted"
      return
    fi
  fi
  note "not granted${named:+, although the config names display.panel: $named}: screen.png is still drawn, the panel stays blank"
  note "to grant it later: sudo $0 --panel ${named:-2in13b_v4} (${PANELS//|/, })"
}

install_udev() {
  step "udev rule: /dev/espnow-broker"
  local changed=0 rules
  rules=$(mktemp)
  if [[ -n $broker_serial ]]; then
    sed -E "s/(ATTRS\\{idVendor\\}==\"[0-9a-f]+\", )/\\1ATTRS{serial}==\"$broker_serial\", /" "$src/deploy/99-espnow-broker.rules" >"$rules"
  else
    cp "$src/deploy/99-espnow-broker.rules" "$rules"
  fi
  install_file "$rules" "$(p "$UDEV_DIR/99-espnow-broker.rules")" 0644 && changed=1
  rm -f "$rules"
  if ((grant_mem)); then
    step "e-ink panel: /dev/mem access for rpio's SPI (CAP_SYS_RAWIO + ACL)"
    command -v setfacl >/dev/null || run apt-get install -y --no-install-recommends acl
    install_file "$src/deploy/99-espnow-gateway-mem.rules" "$(p "$UDEV_DIR/99-espnow-gateway-mem.rules")" 0644 && changed=1
  else
    remove_file "$(p "$UDEV_DIR/99-espnow-gateway-mem.rules")" && changed=1
  fi
  if ((changed)) && live; then
    run udevadm control --reload
    run udevadm trigger --action=add --subsystem-match=tty --subsystem-match=mem
  fi
  return 0
}

systemd_version() { systemctl --version 2>/dev/null | awk 'NR == 1 { print $2 + 0 }'; }

install_unit() {
  step "systemd unit $SERVICE.service"
  local dropins version
  dropins=$(p "$UNIT_DIR/$SERVICE.service.d")
  install_file "$src/deploy/$SERVICE.service" "$(p "$UNIT_DIR/$SERVICE.service")" 0644 || true
  [[ -d $dropins ]] || run install -d -m 0755 "$dropins"
  if ((grant_mem)); then install_file "$src/deploy/panel-spi.conf" "$dropins/panel-spi.conf" 0644 || true
  else remove_file "$dropins/panel-spi.conf" || true; fi
  version=$(systemd_version || echo 0)
  if ((${version:-0} >= 254)); then
    install_file "$src/deploy/restart-backoff.conf" "$dropins/restart-backoff.conf" 0644 || true
  else
    note "systemd ${version:-?} < 254: fixed 15 s restart delay (no RestartSteps)"
  fi
}

start_service() {
  step "Enable and start"
  local ra
  mapfile -t ra < <(root_args)
  if live; then run systemctl daemon-reload; fi
  run systemctl "${ra[@]}" enable "$SERVICE.service"
  if ((config_created)); then
    note "the config is the example: edit $CONF_DIR/gateway.yaml, then: sudo systemctl start $SERVICE"
  elif live; then
    run systemctl restart "$SERVICE.service"
  fi
}

main() {
  check_root_user "$@"
  ((dry)) && step "Dry run: nothing is changed"
  live || step "Installing into $root"
  check_os
  ensure_node
  ensure_build_tools
  enable_spi
  ensure_user
  ensure_dirs
  install_app
  decide_panel
  install_config
  install_token
  install_udev
  install_unit
  start_service
  step "Done"
  ((reboot_needed)) && note "SPI was just enabled: reboot once (sudo reboot) before the panel works"
  note "check everything with: sudo -u $SERVICE $APP_DIR/bin/espnow-gateway.js doctor --config $CONF_DIR/gateway.yaml"
}

main "$@"
