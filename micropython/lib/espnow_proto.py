"""Wire protocol v1 (PROTOCOL.md): radio messages and serial lines.

Shared by the node and the broker. Pure functions over bytes, no I/O::

    import espnow_proto as p
    msg = p.encode_message(p.REPORT, boot, seq, [(p.R_TEMPERATURE, 2153), (p.R_BATTERY, 3912)])
    m = p.decode_message(msg)          # m.kind, m.boot, m.seq, m.records == [(type, value), ...]
    line = p.encode_line("HB", ("12", "3", "0", "1", "0", "0"))   # b"HB,12,3,0,1,0,0*crc\\n"
    tag, fields = p.decode_line(b"TIME,1700000000*8a75b055")

Errors are ``ProtocolError`` with a ``code`` equal to the gateway's
(``SHORT_HEADER``, ``BAD_VERSION``, ``TRUNCATED_RECORD``, ``TOO_LONG``,
``NOT_A_FRAME``, ``BAD_CRC``, ``UNKNOWN_TAG``, ``BAD_FIELD_COUNT``,
``BAD_FIELD_FORMAT``, ``BAD_VALUE``).
"""
import struct
from binascii import crc32, hexlify, unhexlify
from micropython import const

VERSION = const(1)
HEADER_LEN = const(6)
MAX_MESSAGE = const(250)
MAX_LINE = const(1024)

# The record table (kinds, R_* types, ST_* status flags, CAP_* capability bits,
# OUTCOME_*, TRIP_*, PRESS_*, POWER_ON_* values, FORMATS, TEXT_BYTES) is
# generated from protocol/records.json into espnow_records.py.
from espnow_records import *  # noqa: F401,F403


class ProtocolError(ValueError):
    """A message or line that does not follow the protocol; ``code`` says how."""

    def __init__(self, code, detail):
        super().__init__(code + ": " + detail)
        self.code = code


class Message:
    """A decoded radio message: header fields, ``records`` as (type, value) pairs in
    wire order (value int, or str for UTF-8), and counts of skipped records."""

    def __init__(self, version, kind, boot, seq, records, unknown, invalid):
        self.version = version
        self.kind = kind
        self.boot = boot
        self.seq = seq
        self.records = records
        self.unknown = unknown
        self.invalid = invalid

    def get(self, rtype, default=None):
        """The value of the first record of ``rtype``, or ``default``."""
        for t, v in self.records:
            if t == rtype:
                return v
        return default


def _value(rtype, fmt, raw):
    if fmt == "s":
        lo, hi = TEXT_BYTES[rtype]
        if not lo <= len(raw) <= hi:
            return None
        try:
            return str(raw, "utf-8")
        except UnicodeError:
            return None
    if len(raw) != struct.calcsize(fmt):
        return None
    return struct.unpack(fmt, raw)[0]


def decode_message(payload):
    """Decodes one radio message into a ``Message``; raises ``ProtocolError``."""
    n = len(payload)
    if n > MAX_MESSAGE:
        raise ProtocolError("TOO_LONG", "message of %d bytes" % n)
    if n < HEADER_LEN:
        raise ProtocolError("SHORT_HEADER", "message of %d bytes" % n)
    version, kind, boot, seq = struct.unpack("<BBHH", payload)
    if version != VERSION:
        raise ProtocolError("BAD_VERSION", "version %d" % version)
    records = []
    unknown = invalid = 0
    mv = memoryview(payload)
    at = HEADER_LEN
    while at < n:
        if at + 2 > n:
            raise ProtocolError("TRUNCATED_RECORD", "record header at byte %d" % at)
        rtype = payload[at]
        end = at + 2 + payload[at + 1]
        if end > n:
            raise ProtocolError("TRUNCATED_RECORD", "record 0x%02x at byte %d" % (rtype, at))
        fmt = FORMATS.get(rtype)
        if fmt is None:
            unknown += 1
        else:
            value = _value(rtype, fmt, bytes(mv[at + 2:end]))
            if value is None:
                invalid += 1
            else:
                records.append((rtype, value))
        at = end
    return Message(version, kind, boot, seq, records, unknown, invalid)


def encode_record(rtype, value):
    """The bytes of one record; ``value`` is an int, a str (UTF-8 types) or raw bytes."""
    if isinstance(value, (bytes, bytearray)):
        raw = value
    else:
        fmt = FORMATS.get(rtype)
        if fmt is None:
            raise ProtocolError("BAD_VALUE", "record 0x%02x: unknown type, give its bytes" % rtype)
        if fmt == "s":
            raw = value.encode()
            lo, hi = TEXT_BYTES[rtype]
            if not lo <= len(raw) <= hi:
                raise ProtocolError("BAD_VALUE", "record 0x%02x: %d bytes of UTF-8" % (rtype, len(raw)))
        else:
            raw = _pack_checked(fmt, rtype, value)
    return bytes((rtype, len(raw))) + raw


def _pack_checked(fmt, rtype, value):
    size = struct.calcsize(fmt)
    lo, hi = (-(1 << (8 * size - 1)), (1 << (8 * size - 1)) - 1) if fmt[1] in "hi" else (0, (1 << (8 * size)) - 1)
    if not isinstance(value, int) or not lo <= value <= hi:
        raise ProtocolError("BAD_VALUE", "record 0x%02x: %r not in %d..%d" % (rtype, value, lo, hi))
    return struct.pack(fmt, value)


def encode_message(kind, boot, seq, records=(), tail=b""):
    """A radio message: header, then ``records`` (type, value) pairs, then ``tail``
    bytes (already encoded records, e.g. appended COMMAND records)."""
    if not (0 <= kind <= 255 and 0 <= boot <= 0xFFFF and 0 <= seq <= 0xFFFF):
        raise ProtocolError("BAD_VALUE", "header kind %r boot %r seq %r" % (kind, boot, seq))
    parts = [struct.pack("<BBHH", VERSION, kind, boot, seq)]
    for rtype, value in records:
        parts.append(encode_record(rtype, value))
    parts.append(tail)
    out = b"".join(parts)
    if len(out) > MAX_MESSAGE:
        raise ProtocolError("TOO_LONG", "message of %d bytes" % len(out))
    return out


def to_hex(data):
    """Bytes -> lower-case hex text (payloads and MACs on the serial line)."""
    return str(hexlify(data), "ascii")


mac_hex = to_hex


def encode_line(tag, fields):
    """``TAG,field,...*crc\\n`` as bytes. Fields are str and must not contain , * CR LF."""
    body = ",".join((tag,) + tuple(fields)).encode()
    return body + ("*%08x\n" % (crc32(body) & 0xFFFFFFFF)).encode()


def _is_hex(text):
    for c in text:
        if not ("0" <= c <= "9" or "a" <= c <= "f"):
            return False
    return True


def decode_line(line):
    """Parses one line (str or bytes, without ``\\n``; a trailing ``\\r`` is ignored)
    into ``(tag, fields)``; raises ``ProtocolError`` when it is not a frame."""
    if isinstance(line, str):
        line = line.encode()
    if line.endswith(b"\r"):
        line = line[:-1]
    if len(line) > MAX_LINE:
        raise ProtocolError("TOO_LONG", "line of %d bytes" % len(line))
    star = line.find(b"*")
    if star < 0 or line.find(b"*", star + 1) >= 0 or b"\r" in line or b"\n" in line:
        raise ProtocolError("NOT_A_FRAME", "no single *")
    body = line[:star]
    try:
        crc = str(line[star + 1:], "ascii")
        text = str(body, "utf-8")
    except UnicodeError:
        raise ProtocolError("NOT_A_FRAME", "not text")
    parts = text.split(",")
    tag = parts[0]
    if not tag or not all("A" <= c <= "Z" for c in tag) or len(crc) != 8 or not _is_hex(crc):
        raise ProtocolError("NOT_A_FRAME", "bad tag or CRC digits")
    if int(crc, 16) != crc32(body) & 0xFFFFFFFF:
        raise ProtocolError("BAD_CRC", "CRC %s does not match" % crc)
    return tag, parts[1:]


def _uint(tag, fields, i, lo, hi):
    text = fields[i]
    if not text or not all("0" <= c <= "9" for c in text) or (len(text) > 1 and text[0] == "0"):
        raise ProtocolError("BAD_FIELD_FORMAT", "%s field %d: not a decimal" % (tag, i + 1))
    value = int(text)
    if not lo <= value <= hi:
        raise ProtocolError("BAD_FIELD_FORMAT", "%s field %d: not in %d..%d" % (tag, i + 1, lo, hi))
    return value


def parse_gateway_frame(tag, fields):
    """A frame from the gateway: ``("TX", id, mac_bytes, payload)`` or ``("TIME", unix_s)``."""
    if tag == "TX":
        if len(fields) != 3:
            raise ProtocolError("BAD_FIELD_COUNT", "TX with %d fields" % len(fields))
        ident = _uint(tag, fields, 0, 1, 0xFFFF)
        mac, payload = fields[1], fields[2]
        if len(mac) != 12 or not _is_hex(mac):
            raise ProtocolError("BAD_FIELD_FORMAT", "TX field 2: not a MAC")
        if not payload or len(payload) % 2 or len(payload) > 2 * MAX_MESSAGE or not _is_hex(payload):
            raise ProtocolError("BAD_FIELD_FORMAT", "TX field 3: not hex of 1..250 bytes")
        return ("TX", ident, unhexlify(mac), unhexlify(payload))
    if tag == "TIME":
        if len(fields) != 1:
            raise ProtocolError("BAD_FIELD_COUNT", "TIME with %d fields" % len(fields))
        return ("TIME", _uint(tag, fields, 0, 0, 0xFFFFFFFF))
    raise ProtocolError("UNKNOWN_TAG", tag)
