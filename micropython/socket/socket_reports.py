"""REPORT and HELLO records of a socket node, split into as many radio
messages as 250 bytes need (a 16-outlet PDU's full report takes two or three)::

    bodies = pack(head_records, [channel_bytes(ch) for ch in channels])
    # -> [(head records, tail bytes)] for p.encode_message(kind, boot, seq, head, tail)

The message-wide records (status, interval, temperature, humidity) go in
every part, so each REPORT stands on its own; a channel's records are never
split across two messages.
"""
import espnow_proto as p


def _clamp(value, lo, hi):
    return lo if value < lo else hi if value > hi else value


def report_records(ch):
    """REPORT records of one channel: channel, voltage, current, power (when
    the meter read), energy (when it has a meter), relay, trip (when active or
    just cleared)."""
    recs = [(p.R_CHANNEL, ch.number)]
    r = ch.reading
    if r is not None:
        recs += [(p.R_VOLTAGE, _clamp(r[0], 0, 0xFFFF)), (p.R_CURRENT, _clamp(r[1], -0x80000000, 0x7FFFFFFF)),
                 (p.R_POWER, _clamp(r[2], -0x80000000, 0x7FFFFFFF))]
    if ch.meter is not None:
        recs.append((p.R_ENERGY, ch.saved_wh & 0xFFFFFFFF))
    recs.append((p.R_RELAY, int(ch.on)))
    if ch.trip or ch.trip_news is not None:
        recs.append((p.R_TRIP, ch.trip))
    return recs


def hello_records(ch):
    """HELLO records of one channel: its power-on state and limits."""
    return [(p.R_CHANNEL, ch.number), (p.R_POWER_ON_STATE, ch.power_on),
            (p.R_CURRENT_LIMIT, ch.current_limit), (p.R_HUMIDITY_LIMIT, ch.humidity_limit)]


def encode(records):
    return b"".join(p.encode_record(t, v) for t, v in records)


def pack(head, groups):
    """[(head, tail bytes)]: ``groups`` (bytes) in order, as many per message as fit."""
    room = p.MAX_MESSAGE - p.HEADER_LEN - len(encode(head))
    out, tail = [], b""
    for g in groups:
        if tail and len(tail) + len(g) > room:
            out.append((head, tail))
            tail = b""
        tail += g
    out.append((head, tail))
    return out
