"""The node's pairing file, ``espnow.json`` on its flash, so a node is paired
without editing code::

    {"broker": "a0b1c2d3e4f5", "channel": 1, "key": "", "pmk": ""}

``broker``: the broker's MAC (12 hex digits, ``:`` allowed), or empty to find
it: the node then broadcasts, takes the MAC of the first broker that answers
and keeps it in ``paired.json`` (delete that file to pair again).
``channel``: the broker's Wi-Fi channel, 1..13 (default 1).
``key``: optional ESP-NOW LMK, 32 hex digits (16 bytes), the same as in the
broker's config for this node; ``pmk``: optional PMK, 32 hex digits, the same
as the broker's. Encryption needs ``broker`` set (a broadcast cannot be
encrypted, so discovery is plaintext only).
"""
import json
from binascii import hexlify, unhexlify


def parse_mac(text, what):
    """6 bytes from ``a0b1c2d3e4f5`` or ``a0:b1:c2:d3:e4:f5``; None for empty."""
    text = (text or "").replace(":", "").replace("-", "").lower()
    if not text:
        return None
    if len(text) != 12:
        raise ValueError("%s: %r is not a MAC (12 hex digits)" % (what, text))
    return unhexlify(text)


def parse_key(text, what):
    text = (text or "").lower()
    if not text:
        return None
    if len(text) != 32:
        raise ValueError("%s: a key is 32 hex digits (16 bytes)" % what)
    return unhexlify(text)


def load_pairing(path, paired_path):
    """(broker MAC or None, channel, lmk or None, pmk or None); raises ValueError
    naming the file and key for a bad value. A missing file means discovery on channel 1."""
    try:
        with open(path) as f:
            cfg = json.load(f)
    except OSError:
        cfg = {}
    broker = parse_mac(cfg.get("broker"), path + ": broker")
    channel = cfg.get("channel", 1)
    if not isinstance(channel, int) or not 1 <= channel <= 14:
        raise ValueError("%s: channel: %r is not 1..14" % (path, channel))
    lmk = parse_key(cfg.get("key"), path + ": key")
    pmk = parse_key(cfg.get("pmk"), path + ": pmk")
    if lmk and not broker:
        raise ValueError("%s: key needs broker (discovery cannot be encrypted)" % path)
    if broker is None:
        broker = load_paired(paired_path)
    return broker, channel, lmk, pmk


def load_paired(path):
    try:
        with open(path) as f:
            return parse_mac(json.load(f).get("broker"), path + ": broker")
    except (OSError, ValueError):
        return None


def save_paired(path, mac):
    with open(path, "w") as f:
        json.dump({"broker": str(hexlify(mac), "ascii")}, f)
