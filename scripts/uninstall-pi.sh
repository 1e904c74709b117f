#!/usr/bin/env bash
# Removes what scripts/install-pi.sh installed. Keeps the config, the token and
# the spool (/etc/espnow-gateway, /var/lib/espnow-gateway) and the user unless
# --purge. Leaves Node.js, the NodeSource repository and dtparam=spi=on alone:
# other programs may use them.
#
#   sudo scripts/uninstall-pi.sh [--dry-run] [--purge] [--root DIR]
set -euo pipefail

readonly SERVICE=espnow-gateway
root=/
dry=0
purge=0
while (($#)); do
  case $1 in
    --dry-run) dry=1 ;;
    --purge) purge=1 ;;
    --root) root=${2:?--root needs a directory}; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "uninstall-pi: unknown option $1" >&2; exit 1 ;;
  esac
  shift
done
root=$(cd "$root" && pwd)
live() { [[ $root == / ]]; }
p() { if live; then printf '%s' "$1"; else printf '%s%s' "$root" "$1"; fi; }
run() { if ((dry)); then printf '    would run: %s\n' "$*"; else printf '    run: %s\n' "$*"; "$@"; fi; }
gone() { [[ -e $1 || -L $1 ]] && run rm -rf "$1"; return 0; }

((dry)) || [[ $(id -u) -eq 0 ]] || { echo "uninstall-pi: run as root (sudo)" >&2; exit 1; }
echo "==> Stopping and disabling $SERVICE"
if live; then run systemctl disable --now "$SERVICE.service" || true
else run systemctl --root "$root" disable "$SERVICE.service" || true; fi
echo "==> Removing the unit, udev rules and program"
gone "$(p "/etc/systemd/system/$SERVICE.service")"
gone "$(p "/etc/systemd/system/$SERVICE.service.d")"
gone "$(p /etc/udev/rules.d/99-espnow-broker.rules)"
gone "$(p /etc/udev/rules.d/99-espnow-gateway-mem.rules)"
gone "$(p /opt/espnow-gateway)"
if live; then
  run systemctl daemon-reload
  run udevadm control --reload
fi
if ((purge)); then
  echo "==> Purging config, token, spool and the $SERVICE user"
  gone "$(p /etc/espnow-gateway)"
  gone "$(p /var/lib/espnow-gateway)"
  if grep -q "^$SERVICE:" "$(p /etc/passwd)"; then
    if live; then run userdel "$SERVICE"; else run userdel --root "$root" "$SERVICE"; fi
  fi
else
  echo "    kept /etc/espnow-gateway (config, token) and /var/lib/espnow-gateway (spool); --purge removes them"
fi
echo "==> Done"
