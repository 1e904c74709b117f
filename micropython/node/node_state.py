"""What a node keeps between wakes: RTC memory (survives deep sleep, lost on a
cold boot) and a few small files on flash (survive everything).

    st = NodeState.load(rtc, cold)        # RTC memory, or fresh after a cold boot
    seq = st.next_seq()
    st.save(rtc)                          # before machine.deepsleep()
    boot = bump_boot_counter("boot.dat")  # on a cold boot only
"""
import struct
from binascii import crc32

_MAGIC = b"ENG1"
_FMT = "<4sHHHBHB6s"  # magic, boot, seq, interval s, retries, awake ms, flags, broker MAC
_LEN = struct.calcsize(_FMT)
FLAG_CLOCK_SET = 1
NO_MAC = b"\x00" * 6


def pack_state(boot, seq, interval, retries, awake_ms, flags, broker):
    """The RTC memory image: the fields, then their CRC-32."""
    body = struct.pack(_FMT, _MAGIC, boot, seq, interval, retries, min(awake_ms, 0xFFFF), flags, broker or NO_MAC)
    return body + struct.pack("<I", crc32(body) & 0xFFFFFFFF)


def unpack_state(image):
    """The fields of an RTC memory image, or None if it is not one (cold boot, other firmware)."""
    if len(image) != _LEN + 4 or struct.unpack("<I", image[_LEN:])[0] != crc32(image[:_LEN]) & 0xFFFFFFFF:
        return None
    fields = struct.unpack(_FMT, image[:_LEN])
    return None if fields[0] != _MAGIC else fields[1:]


class NodeState:
    """boot, seq (next to use), interval (s, as set), retries and awake (ms) of the
    previous report (None after a cold boot), flags, broker MAC (None if unknown)."""

    def __init__(self, boot, interval):
        self.boot = boot
        self.seq = 0
        self.interval = interval
        self.retries = None
        self.awake_ms = None
        self.flags = 0
        self.broker = None

    @classmethod
    def load(cls, rtc, boot_if_cold, interval):
        """The state kept in ``rtc`` memory; a fresh one for boot ``boot_if_cold()`` if none."""
        fields = unpack_state(rtc.memory())
        if fields is None:
            return cls(boot_if_cold(), interval)
        st = cls(fields[0], fields[2])
        st.seq, st.retries, st.awake_ms, st.flags = fields[1], fields[3], fields[4], fields[5]
        st.broker = None if fields[6] == NO_MAC else fields[6]
        return st

    def next_seq(self):
        """The seq of a new message (wraps 65535 -> 0)."""
        seq = self.seq
        self.seq = (seq + 1) & 0xFFFF
        return seq

    def save(self, rtc):
        retries = 255 if self.retries is None else self.retries
        rtc.memory(pack_state(self.boot, self.seq, self.interval, retries, self.awake_ms or 0, self.flags, self.broker))


def bump_boot_counter(path):
    """Increments the cold-boot counter in ``path`` (0..65535, wraps) and returns it."""
    try:
        with open(path) as f:
            boot = int(f.read().strip() or 0)
    except (OSError, ValueError):
        boot = 0
    boot = (boot + 1) & 0xFFFF
    with open(path, "w") as f:
        f.write(str(boot))
    return boot
