"""Up to 16 push buttons, debounced, each press reported once as short or
long (held at least ``long_ms``, default 800 ms). Pure state machine over a
bitmask of the buttons held; the clock is passed in::

    from machine import Pin
    from buttons import Buttons, gpio_reader
    keys = Buttons(gpio_reader([Pin(n, Pin.IN, Pin.PULL_UP) for n in (32, 33)]), 2)
    for index, kind in keys.poll(time.ticks_ms()):   # call every few ms
        ...                                          # kind: PRESS_SHORT or PRESS_LONG

A long press is reported when it reaches ``long_ms`` (while still held), a
short one when it is released before. A level must hold ``debounce_ms``
(default 30 ms) before it counts, so contact bounce makes no extra press.
"""
from time import ticks_diff
from micropython import const

PRESS_SHORT = const(1)  # PROTOCOL.md record 0x16
PRESS_LONG = const(2)
MAX_BUTTONS = const(16)


def gpio_reader(pins, active_low=True):
    """A ``read()`` giving bit n set while ``pins[n]`` is pressed (pulled-up
    buttons to GND: pressed is 0)."""
    def read():
        bits = 0
        for i, pin in enumerate(pins):
            if pin.value() != active_low:
                bits |= 1 << i
        return bits
    return read


class Buttons:
    """``count`` buttons read as one bitmask by ``read()``."""

    def __init__(self, read, count, long_ms=800, debounce_ms=30):
        if not 1 <= count <= MAX_BUTTONS:
            raise ValueError("buttons: %d, not 1..16" % count)
        self._read = read
        self._count = count
        self._long = long_ms
        self._debounce = debounce_ms
        self._raw = 0  # last level read
        self._changed = [0] * count  # when each raw level last changed, ms
        self._stable = 0  # debounced level
        self._down = [0] * count  # when each debounced press began, ms
        self._long_sent = 0  # presses already reported as long

    def poll(self, now):
        """Reads the buttons; returns [(index, PRESS_SHORT or PRESS_LONG)] decided now."""
        return self.update(self._read(), now)

    def update(self, raw, now):
        """The same as ``poll`` with the level bitmask given (for tests and expanders)."""
        events = []
        for i in range(self._count):
            bit = 1 << i
            if (raw ^ self._raw) & bit:
                self._changed[i] = now
            if (raw ^ self._stable) & bit and ticks_diff(now, self._changed[i]) >= self._debounce:
                self._stable ^= bit
                if raw & bit:
                    self._down[i] = self._changed[i]
                elif not self._long_sent & bit:
                    events.append((i, PRESS_SHORT))
                self._long_sent &= ~bit
            if self._stable & raw & bit and not self._long_sent & bit and ticks_diff(now, self._down[i]) >= self._long:
                self._long_sent |= bit
                events.append((i, PRESS_LONG))
        self._raw = raw
        return events
