"""Fake ``esp32``: NVS namespaces kept per device (they survive reboots and
power cuts, like the flash). A value set but not committed is lost when the
device stops. ``dev.nvs_commits`` counts commits that wrote something, for
the wear figures."""
import sim

_NOT_FOUND = -0x1102  # ESP_ERR_NVS_NOT_FOUND


class NVS:
    def __init__(self, namespace):
        self._dev = sim.current()
        if not hasattr(self._dev, "nvs"):
            self._dev.nvs = {}
            self._dev.nvs_commits = 0
            self._dev.nvs_bytes = 0
        self._space = self._dev.nvs.setdefault(namespace, {})
        self._staged = {}

    def set_i32(self, key, value):
        if not -0x80000000 <= value <= 0x7FFFFFFF:
            raise OverflowError("i32")
        self._staged[key] = int(value)

    def get_i32(self, key):
        value = self._staged.get(key, self._space.get(key))
        if not isinstance(value, int):
            raise OSError(_NOT_FOUND)
        return value

    def set_blob(self, key, value):
        self._staged[key] = bytes(value)

    def get_blob(self, key, buf):
        value = self._staged.get(key, self._space.get(key))
        if not isinstance(value, bytes):
            raise OSError(_NOT_FOUND)
        if len(value) > len(buf):
            raise OSError(-0x110C)  # ESP_ERR_NVS_INVALID_LENGTH
        buf[:len(value)] = value
        return len(value)

    def erase_key(self, key):
        if key not in self._space and key not in self._staged:
            raise OSError(_NOT_FOUND)
        self._staged[key] = None

    def commit(self):
        for key, value in self._staged.items():
            if value is None:
                self._space.pop(key, None)
            else:
                self._space[key] = value
                self._dev.nvs_bytes += len(value) if isinstance(value, bytes) else 4
            self._dev.nvs_commits += 1
        self._staged = {}
