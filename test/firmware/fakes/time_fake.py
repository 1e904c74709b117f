"""Fake ``time`` (installed as sys.modules["time"]): ticks count from the
running device's boot, sleeping runs the simulated world, wall-clock time is
the device's RTC (Unix epoch, as the ESP32 port since it moved to 1970)."""
import sim

_PERIOD = 0x40000000


def ticks_ms():
    return sim.current().ticks_ms()


def ticks_us():
    """Microseconds from the device's clock, which runs ahead of the world
    while the device computes without waiting (ADC reads; this call and the
    Python loop turn around it: 5 us at 240 MHz)."""
    dev = sim.current()
    dev.busy_us(5)
    return (dev.now_us() - dev.boot_at * 1000) & (_PERIOD - 1)


def ticks_add(t, delta):
    return (t + delta) % _PERIOD


def ticks_diff(a, b):
    return ((a - b + _PERIOD // 2) % _PERIOD) - _PERIOD // 2


def sleep_ms(ms):
    sim.world().wait(ms)


def sleep_us(us):
    sim.world().wait((us + 999) // 1000)


def sleep(s):
    sim.world().wait(int(s * 1000))


def time():
    return sim.unix_now(sim.current())


def time_ns():
    return time() * 1000000000


def gmtime(t=None):
    return sim.gmtime(time() if t is None else t)


localtime = gmtime


def mktime(tup):
    return sim.mktime(tup)
