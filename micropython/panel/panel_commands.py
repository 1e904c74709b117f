"""What the panel does with COMMAND records (PROTOCOL.md section 4): each
command starts with its id (0x51) and carries one action: ``0x58`` text for
the LCD, ``0x59`` LEDs, ``0x53`` set interval. Returns the RESULT records::

    result = run_command(app, ident, records, unknown)   # [(0x51, id), (0x52, outcome)]

The LEDs' state is in every REPORT (0x59), not in the RESULT: the record
table lists 0x59 for COMMAND and REPORT only.
"""
import espnow_proto as p

_ACTIONS = (p.R_TEXT, p.R_LEDS, p.R_SET_INTERVAL)
_NOT_OURS = (p.R_RELAY, p.R_POWER_ON_STATE, p.R_CURRENT_LIMIT, p.R_HUMIDITY_LIMIT, p.R_AUTO_OFF)


def run_command(app, ident, records, unknown=0):
    """Runs one command on ``app`` (a PanelApp); the RESULT records."""
    return [(p.R_COMMAND_ID, ident), (p.R_OUTCOME, _run(app, records, unknown))]


def _run(app, records, unknown):
    actions = [(t, v) for t, v in records if t in _ACTIONS]
    if unknown or any(t in _NOT_OURS for t, _ in records):
        return p.OUTCOME_UNSUPPORTED
    if len(actions) != 1:
        return p.OUTCOME_INVALID
    rtype, value = actions[0]
    if rtype == p.R_TEXT:
        if app.lcd is None:
            return p.OUTCOME_UNSUPPORTED
        return p.OUTCOME_OK if app.show(value) else p.OUTCOME_FAILED
    if rtype == p.R_LEDS:
        if app.leds is None:
            return p.OUTCOME_UNSUPPORTED
        if value & ~app.led_bits():
            return p.OUTCOME_INVALID  # a bit of a channel without an LED
        return p.OUTCOME_OK if app.set_leds(value) else p.OUTCOME_FAILED
    if not app.min_interval <= value:
        return p.OUTCOME_INVALID
    app.set_interval(value)
    return p.OUTCOME_OK
