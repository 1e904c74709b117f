"""What a socket keeps on flash, in the ESP32's NVS (a wear-levelled log of
32-byte entries; a 4 KB page is erased only when the log wraps onto it)::

    store = Store(esp32.NVS("socket"), n_channels)
    boot = store.bump_boot()
    store.load_energy() -> [(Wh, 0.1 W x ms), ...]; store.save_energy(channels)
    store.load_settings() -> [(power-on, mA, 0.01 %RH), ...]; store.save_settings(channels)
    store.load_relays() -> bit mask or None; store.save_relays(channels)

Energy is written at most once per ENERGY_SAVE_S and only after a channel
gained a whole Wh (socket_app.py); settings when a COMMAND changes them;
relay states when a relay switches (needed for "as it was" after a power cut).
"""
import struct

_ENERGY = "energy"  # per channel <II: Wh, remainder in 0.1 W x ms
_SETTINGS = "settings"  # per channel <BIH: power-on state, current limit mA, humidity limit 0.01 %RH
_RELAYS = "relays"  # i32 bit mask, bit n-1 = channel n on
_BOOT = "boot"
_INTERVAL = "interval"


class Store:
    def __init__(self, nvs, n):
        self._nvs = nvs
        self._n = n
        self.writes = 0

    def _get_blob(self, key, size):
        buf = bytearray(size * self._n)
        try:
            got = self._nvs.get_blob(key, buf)
        except OSError:
            return None
        return buf[:got]

    def _set_blob(self, key, data):
        self._nvs.set_blob(key, data)
        self._nvs.commit()
        self.writes += 1

    def _get_int(self, key):
        try:
            return self._nvs.get_i32(key)
        except OSError:
            return None

    def _set_int(self, key, value):
        self._nvs.set_i32(key, value)
        self._nvs.commit()
        self.writes += 1

    def bump_boot(self):
        """The boot counter, +1 (0..65535, wraps)."""
        boot = ((self._get_int(_BOOT) or 0) + 1) & 0xFFFF
        self._set_int(_BOOT, boot)
        return boot

    def load_interval(self):
        return self._get_int(_INTERVAL)

    def save_interval(self, s):
        self._set_int(_INTERVAL, s)

    def _rows(self, key, fmt, default):
        size = struct.calcsize(fmt)
        data = self._get_blob(key, size) or b""
        rows = [struct.unpack_from(fmt, data, i * size) for i in range(len(data) // size)]
        return rows + [default] * (self._n - len(rows))

    def load_energy(self):
        return self._rows(_ENERGY, "<II", (0, 0))

    def save_energy(self, channels):
        self._set_blob(_ENERGY, b"".join(struct.pack("<II", c.wh, c.acc) for c in channels))

    def load_settings(self):
        return self._rows(_SETTINGS, "<BIH", (0, 0, 0))

    def save_settings(self, channels):
        self._set_blob(_SETTINGS, b"".join(struct.pack("<BIH", *c.settings()) for c in channels))

    def load_relays(self):
        return self._get_int(_RELAYS)

    def save_relays(self, channels):
        mask = 0
        for i, c in enumerate(channels):
            if c.on:
                mask |= 1 << i
        self._set_int(_RELAYS, mask)
