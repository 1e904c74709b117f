"""Fake ``espnow``: one ESPNow per running device boot, sending into the
simulated air. Models what the firmware depends on: peers (20, 6 encrypted),
PMK/LMK (an encrypted frame is only accepted by a peer with the same keys;
a plaintext unicast from a peer registered with a key is refused), the MAC
ack of a unicast, the receive buffer (``rxbuf`` bytes; overflow is dropped and
counted in stats()), peers_table RSSI, recv timeouts in simulated time."""
import sim

MAX_DATA_LEN = 250
KEY_LEN = 16
MAX_TOTAL_PEER_NUM = 20
MAX_ENCRYPT_PEER_NUM = 6
_BROADCAST = b"\xff" * 6
_OVERHEAD = 16  # bytes of receive buffer per message besides the payload


def _err(name, code):
    return OSError(code, "ESP_ERR_ESPNOW_" + name)


class ESPNow:
    def __new__(cls):
        dev = sim.current()
        if dev.radio is None:
            self = object.__new__(cls)
            self._init(dev)
            dev.radio = self
        return dev.radio

    def __init__(self):
        pass

    def _init(self, dev):
        self.dev = dev
        self._active = False
        self._pmk = b"PMK1234567890123"
        self._peers = {}  # mac -> lmk or None
        self._queue = []
        self._used = 0
        self._rxbuf = 526
        self._timeout = 300000
        self.peers_table = {}
        self._stats = [0, 0, 0, 0, 0]  # tx, tx responses, tx failures, rx, rx dropped

    def active(self, flag=None):
        if flag is None:
            return self._active
        if flag and not self.dev.wlan_active:
            raise OSError(12389, "ESP_ERR_WIFI_NOT_STARTED")
        self._active = bool(flag)
        if not flag:
            self._queue = []
            self._used = 0

    def config(self, rxbuf=None, timeout_ms=None, rate=None):
        if rxbuf is not None:
            self._rxbuf = rxbuf
        if timeout_ms is not None:
            self._timeout = timeout_ms

    def set_pmk(self, pmk):
        if len(pmk) != KEY_LEN:
            raise ValueError("PMK must be 16 bytes")
        self._pmk = bytes(pmk)

    def add_peer(self, mac, lmk=None, channel=0, ifidx=0, encrypt=None):
        mac = bytes(mac)
        if mac in self._peers:
            raise _err("EXIST", 12295)
        encrypt = bool(lmk) if encrypt is None else encrypt
        if encrypt and (mac == _BROADCAST or not lmk or len(lmk) != KEY_LEN):
            raise _err("ARG", 12290)
        if len(self._peers) >= MAX_TOTAL_PEER_NUM or (
                encrypt and sum(1 for k in self._peers.values() if k) >= MAX_ENCRYPT_PEER_NUM):
            raise _err("FULL", 12292)
        self._peers[mac] = bytes(lmk) if encrypt else None

    def del_peer(self, mac):
        if bytes(mac) not in self._peers:
            raise _err("NOT_FOUND", 12293)
        del self._peers[bytes(mac)]

    def get_peer(self, mac):
        mac = bytes(mac)
        if mac not in self._peers:
            raise _err("NOT_FOUND", 12293)
        lmk = self._peers[mac]
        return (mac, lmk, 0, 0, lmk is not None)

    def get_peers(self):
        return tuple(self.get_peer(m) for m in self._peers)

    def peer_count(self):
        return (len(self._peers), sum(1 for k in self._peers.values() if k))

    def send(self, mac, msg, sync=True):
        if not self._active:
            raise OSError(12289, "ESP_ERR_ESPNOW_NOT_INIT")
        mac = bytes(mac)
        if mac not in self._peers:
            raise _err("NOT_FOUND", 12293)
        if isinstance(msg, str):
            msg = msg.encode()
        if len(msg) > MAX_DATA_LEN:
            raise ValueError("msg too long")
        lmk = self._peers[mac]
        key = (self._pmk, lmk) if lmk else None
        self._stats[0] += 1
        acked = sim.world().transmit(self.dev, mac, bytes(msg), key)
        if sync:
            self._stats[1 if acked else 2] += 1
            return acked
        return True

    # called by the world
    def accepts(self, src_mac, key, broadcast):
        if not self._active:
            return False
        lmk = self._peers.get(bytes(src_mac))
        if key is not None:
            return lmk is not None and key == (self._pmk, lmk)
        return broadcast or lmk is None

    def deliver(self, src_mac, data, rssi, now):
        need = len(data) + _OVERHEAD
        if self._used + need > self._rxbuf:
            self._stats[4] += 1
            return False
        self._stats[3] += 1
        self._used += need
        self._queue.append((bytes(src_mac), data))
        self.peers_table[bytes(src_mac)] = [rssi, now]
        return True

    def any(self):
        return len(self._queue)

    def recv(self, timeout_ms=None):
        if not self._active:
            raise OSError(12289, "ESP_ERR_ESPNOW_NOT_INIT")
        if timeout_ms is None:
            timeout_ms = self._timeout
        if not self._queue and timeout_ms > 0:
            sim.world().wait(timeout_ms, lambda: self._queue)
        if not self._queue:
            return [None, None]
        mac, data = self._queue.pop(0)
        self._used -= len(data) + _OVERHEAD
        return [mac, data]

    irecv = recv

    def stats(self):
        return tuple(self._stats)
