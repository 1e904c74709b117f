"""COMMANDs to a socket node (PROTOCOL.md section 4): one action each, run
at once, answered by a RESULT with the command id, the outcome and the
channel's state afterwards::

    result_records = run_command(app, ident, records)   # listening_node.split_commands gave them

Actions: relay (0x14, with auto-off 0x57), power-on state (0x54), current
limit (0x55), humidity limit (0x56), on the channel of the last 0x0f; set
interval (0x53). Any other record makes the command unsupported (1); a value
out of range or a channel the node lacks makes it invalid (2), and nothing
is changed; a relay-on that a safety rule blocks is failed (3).
"""
import time
import espnow_proto as p

_SETTINGS = (p.R_POWER_ON_STATE, p.R_CURRENT_LIMIT, p.R_HUMIDITY_LIMIT)
MAX_HUMIDITY = 10000  # 0.01 %RH


def state_records(ch, settings=False):
    """The channel's state as RESULT records: channel, relay, trip (when active
    or just cleared), and with ``settings`` its power-on state and limits."""
    recs = [(p.R_CHANNEL, ch.number), (p.R_RELAY, int(ch.on))]
    if ch.trip or ch.trip_news is not None:
        recs.append((p.R_TRIP, ch.trip))
    if settings:
        recs += [(p.R_POWER_ON_STATE, ch.power_on), (p.R_CURRENT_LIMIT, ch.current_limit),
                 (p.R_HUMIDITY_LIMIT, ch.humidity_limit)]
    return recs


def _check(relay, auto_off, sets, interval, min_interval):
    if relay is not None and relay not in (0, 1):
        return False
    if auto_off is not None and relay is None:
        return False
    if sets.get(p.R_POWER_ON_STATE, 0) not in (p.POWER_ON_OFF, p.POWER_ON_ON, p.POWER_ON_AS_IT_WAS):
        return False
    if sets.get(p.R_HUMIDITY_LIMIT, 0) > MAX_HUMIDITY:
        return False
    return interval is None or interval >= min_interval


def run_command(app, ident, records, unknown=0):
    """Runs one command on ``app`` (SocketApp); returns the RESULT records."""
    number, relay, auto_off, interval, other = 0, None, None, None, unknown > 0
    sets = {}
    for rtype, value in records:
        if rtype == p.R_CHANNEL:
            number = value
        elif rtype == p.R_RELAY:
            relay = value
        elif rtype == p.R_AUTO_OFF:
            auto_off = value
        elif rtype in _SETTINGS:
            sets[rtype] = value
        elif rtype == p.R_SET_INTERVAL:
            interval = value
        else:
            other = True
    on_channel = relay is not None or auto_off is not None or bool(sets)
    ch = app.channel(number) if on_channel else None
    if other:
        outcome = p.OUTCOME_UNSUPPORTED
    elif (on_channel and ch is None) or not (on_channel or interval is not None) or \
            not _check(relay, auto_off, sets, interval, app.min_interval):
        outcome = p.OUTCOME_INVALID
    else:
        outcome = _apply(app, ch, relay, auto_off, sets, interval)
    out = [(p.R_COMMAND_ID, ident), (p.R_OUTCOME, outcome)]
    return out + (state_records(ch, bool(sets)) if ch is not None else [])


def _apply(app, ch, relay, auto_off, sets, interval):
    if interval is not None:
        app.set_interval(interval)
    if sets:
        ch.power_on = sets.get(p.R_POWER_ON_STATE, ch.power_on)
        ch.current_limit = sets.get(p.R_CURRENT_LIMIT, ch.current_limit)
        ch.humidity_limit = sets.get(p.R_HUMIDITY_LIMIT, ch.humidity_limit)
        app.save_settings()
    if relay is None:
        return p.OUTCOME_OK
    if not ch.switch(bool(relay), ch.humidity_blocks(app.humidity, app.hysteresis)):
        return p.OUTCOME_FAILED
    if relay and auto_off:
        ch.off_at = time.ticks_add(time.ticks_ms(), auto_off * 1000)
    app.save_relays()
    return p.OUTCOME_OK
