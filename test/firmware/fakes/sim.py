"""A simulated world for the firmware, run inside the real MicroPython
interpreter: one virtual clock, devices (each with its own flash directory,
RTC memory, I2C chips, ADC, radio) and the air between them.

Device code runs for real; only machine, espnow, network and time are fakes
that ask this module which device is running and what time it is. Time only
moves when the firmware waits (sleep_ms, espnow recv with a timeout) or when
the harness runs the world, so every run is deterministic.

    world = World(seed=1)
    b = world.add_broker("broker", mac, "/dev/broker")
    n = world.add_node("n1", mac, "/dev/n1")
    world.power_on(n)
    world.run_for(600_000)
"""
import heapq
import os
import sys
import io

import time as _real_time  # imported before the fake replaces it

_EPOCH = 0 if _real_time.gmtime(0)[0] == 1970 else 946684800  # this interpreter's epoch, in Unix s


def gmtime(unix):
    """UTC tuple of Unix seconds (as the ESP32 port's 1970-epoch time.gmtime)."""
    return _real_time.gmtime(unix - _EPOCH)


def mktime(tup):
    """Unix seconds of a UTC tuple."""
    return _real_time.mktime(tup) + _EPOCH


def unix_now(dev):
    return dev.rtc_offset_s + _world.now // 1000


class DeepSleep(BaseException):
    """machine.deepsleep(): unwinds the firmware; the world wakes it later."""

    def __init__(self, ms):
        super().__init__(ms)
        self.ms = ms


class Reset(BaseException):
    """machine.reset()."""


class Rng:
    """xorshift32: the same numbers on every run and every interpreter."""

    def __init__(self, seed):
        self.s = (seed * 2654435761 + 1) & 0xFFFFFFFF or 1

    def next(self):
        x = self.s
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        self.s = x
        return x

    def chance(self, p):
        return p > 0 and self.next() < p * 4294967296

    def between(self, lo, hi):
        return lo + self.next() % (hi - lo + 1)


_world = None


def world():
    return _world


def current():
    """The device whose code is running."""
    return _world.stack[-1]


class Device:
    PWRON_RESET = 1
    DEEPSLEEP_RESET = 4

    def __init__(self, world, name, mac, root):
        self.world = world
        self.name = name
        self.mac = mac
        self.root = root
        self.reset_cause = 1
        self.boot_at = 0
        self.rtc_memory = b""
        self.rtc_offset_s = 946684800  # wall clock, Unix s = offset + virtual time (starts 2000-01-01)
        self.i2c = {}  # (scl, sda) -> {addr: chip}
        self.adc_uv = {}  # pin -> microvolts at the pin
        self.adc_wave = {}  # pin -> fn(t us) -> microvolts (mains waveforms)
        self._us_at = -1  # world ms the busy microseconds below belong to
        self._us_busy = 0
        self.generation = 0  # bumped when a listening device stops, ending its timers
        self.pins = {}  # pin -> input level
        self.radio = None  # espnow.ESPNow of the running boot
        self.channel = 1
        self.wlan_active = False
        self.awake = False
        self.boots = 0
        self.sleeps = []  # (at ms, sleep ms)
        self.crashes = []  # tracebacks
        self.output = []  # print output of the device
        self.app = None  # broker application object

    def ticks_ms(self):
        return (self.world.now - self.boot_at) & 0x3FFFFFFF

    def busy_us(self, us):
        """The device computes for ``us`` without letting the world run: its
        microsecond clock moves ahead of the world's milliseconds."""
        if self._us_at != self.world.now:
            self._us_at, self._us_busy = self.world.now, 0
        self._us_busy += us

    def now_us(self):
        return self.world.now * 1000 + (self._us_busy if self._us_at == self.world.now else 0)


class World:
    def __init__(self, seed=1):
        global _world
        _world = self
        self.now = 0
        self.stack = []
        self._events = []
        self._n = 0
        self._deferred = []
        self.devices = {}
        self.rng = Rng(seed)
        self.loss = 0.0  # chance a frame is lost
        self.dup = 0.0  # chance a frame arrives twice
        self.delay = (1, 3)  # ms, airtime plus stack latency
        self.rules = []  # fn(src, dst, data) -> None | "drop" | ("delay", ms) | "dup"
        self.rssi = {}  # (src name, dst name) -> dBm, default -60
        self.frames = []  # (t, src, dst, hex, copies delivered)
        self.baseline = set(sys.modules)

    # --- devices ---------------------------------------------------------
    def add(self, name, mac, root):
        d = Device(self, name, mac, root)
        self.devices[name] = d
        return d

    def at(self, t, fn, device=None, top_only=False):
        self._n += 1
        heapq.heappush(self._events, (t, self._n, fn, device, top_only))

    def _enter(self, dev):
        self.stack.append(dev)
        os.chdir(dev.root)

    def _leave(self):
        self.stack.pop()
        if self.stack:
            os.chdir(self.stack[-1].root)

    def power_on(self, dev, cause=1, at=None):
        """Schedules a boot of ``dev``'s main.py (cold by default)."""
        dev.reset_cause = cause
        if cause != Device.DEEPSLEEP_RESET:
            dev.rtc_memory = b""
        self.at(self.now if at is None else at, lambda: self._boot(dev), dev, True)

    def _purge(self):
        for name in list(sys.modules):
            if name not in self.baseline:
                del sys.modules[name]

    def _boot(self, dev):
        dev.boot_at = self.now
        dev.boots += 1
        dev.awake = True
        dev.radio = None
        dev.wlan_active = False
        self._enter(dev)
        self._purge()
        sys.path[:] = ["", "lib"]
        try:
            with open("main.py") as f:
                src = f.read()
            exec(src, {"__name__": "__main__"})
        except DeepSleep as e:
            dev.sleeps.append((self.now, e.ms))
            self._sleep(dev)
            self.power_on(dev, Device.DEEPSLEEP_RESET, self.now + e.ms)
        except Reset:
            self._sleep(dev)
            self.power_on(dev, 2, self.now + 1)
        except Exception as e:
            buf = io.StringIO()
            sys.print_exception(e, buf)
            dev.crashes.append(buf.getvalue())
            self._sleep(dev)
        finally:
            self._leave()

    def _sleep(self, dev):
        dev.awake = False
        dev.radio = None
        dev.wlan_active = False

    def call(self, dev, fn, *args):
        """Runs ``fn`` as ``dev``'s code (for the broker's loop turns)."""
        self._enter(dev)
        try:
            return fn(*args)
        except Exception as e:
            buf = io.StringIO()
            sys.print_exception(e, buf)
            dev.crashes.append(buf.getvalue())
        finally:
            self._leave()

    # --- time -----------------------------------------------------------
    def run_until(self, t_end, stop=None):
        """Runs events up to ``t_end`` or until ``stop()``; returns stop()'s last value."""
        while True:
            if stop is not None and stop():
                return True
            if not self.stack and self._deferred:
                for ev in self._deferred:
                    self.at(self.now, ev[2], ev[3], ev[4])
                self._deferred = []
            if not self._events or self._events[0][0] > t_end:
                if t_end > self.now:
                    self.now = t_end
                return stop() if stop is not None else False
            ev = heapq.heappop(self._events)
            if ev[0] > self.now:
                self.now = ev[0]
            dev = ev[3]
            if dev is not None and (dev in self.stack or (ev[4] and self.stack)):
                self._deferred.append(ev)
                continue
            ev[2]()

    def run_for(self, ms):
        self.run_until(self.now + ms)

    def wait(self, ms, stop=None):
        return self.run_until(self.now + max(0, ms), stop)

    # --- air ------------------------------------------------------------
    def transmit(self, src, dst_mac, data, encrypted):
        """Puts one frame on the air; returns the MAC-layer ack (always True for broadcast)."""
        broadcast = dst_mac == b"\xff" * 6
        acked = False
        delivered = 0
        for dev in self.devices.values():
            if dev is src or not (broadcast or dev.mac == dst_mac) or dev.channel != src.channel:
                continue
            copies = self._fate(src, dev, data)
            delivered += len(copies)
            if copies and dev.awake and dev.radio is not None and dev.radio.accepts(src.mac, encrypted, broadcast):
                acked = True
            for delay in copies:
                self.at(self.now + delay, self._deliverer(src, dev, bytes(data), encrypted, broadcast))
        self.frames.append((self.now, src.name, "*" if broadcast else dst_mac, bytes(data), delivered))
        return True if broadcast else acked

    def _fate(self, src, dst, data):
        delay = self.rng.between(self.delay[0], self.delay[1])
        copies = [delay]
        for rule in self.rules:
            verdict = rule(src, dst, data)
            if verdict == "drop":
                return []
            if verdict == "dup":
                copies.append(delay + 1)
            elif isinstance(verdict, tuple) and verdict[0] == "delay":
                copies = [c + verdict[1] for c in copies]
        if self.rng.chance(self.loss):
            return []
        if self.rng.chance(self.dup):
            copies.append(delay + self.rng.between(1, 5))
        return copies

    def _deliverer(self, src, dst, data, encrypted, broadcast):
        def deliver():
            radio = dst.radio
            if not dst.awake or radio is None or not radio.accepts(src.mac, encrypted, broadcast):
                return
            rssi = self.rssi.get((src.name, dst.name), -60)
            if radio.deliver(src.mac, data, rssi, self.now) and dst.app is not None:
                self.at(self.now, lambda: self.tick(dst), dst)
        return deliver

    # --- broker loop ------------------------------------------------------
    def tick(self, dev):
        """One loop turn of a broker; more follow while its serial output is pending."""
        if dev.app is None or not dev.awake:
            return
        self.call(dev, dev.app.step, 0)
        if dev.app.busy() and not getattr(dev, "_tick_pending", False):
            dev._tick_pending = True

            def again():
                dev._tick_pending = False
                self.tick(dev)
            self.at(self.now + 5, again, dev)

    def start_listening(self, dev, build, top_only=False):
        """Boots a listening node: ``build()`` (run as the device) returns its
        app; then ``app.step(0)`` runs when it asks (its return value, ms) and
        whenever a frame arrives, until ``power_cut``. With ``top_only`` its
        turns never run inside another device's wait (a CAN node: a turn that
        sends would wait for a broker frozen below it)."""
        dev.generation += 1
        gen = dev.generation
        dev.boot_at = self.now
        dev.boots += 1
        dev.awake = True
        dev.radio = None
        dev.wlan_active = False
        dev.app = None

        def boot():
            self._purge()
            sys.path[:] = ["", "lib"]
            dev.app = build()
        self.call(dev, boot)
        if dev.app is None:
            return

        def turn():
            if dev.generation != gen or dev.app is None:
                return
            wait = self.call(dev, dev.app.step, 0)
            self.at(self.now + max(1, min(1000 if wait is None else wait, 1000)), turn, dev, top_only)
        self.at(self.now + 1, turn, dev, top_only)

    def power_cut(self, dev):
        """The device loses power now: its program stops where it is (between two
        of its turns), uncommitted NVS values and RAM are gone, outputs float low."""
        dev.generation += 1
        dev.app = None
        dev.pins = {}
        self._sleep(dev)

    def start_broker(self, dev, build, period_ms=500):
        """Boots a broker: ``build()`` (run as the device) returns its app. Called
        again it reboots it: RAM, radio and peers gone, the UART kept."""
        dev.generation += 1
        gen = dev.generation
        dev.radio = None
        dev.wlan_active = False
        dev.boot_at = self.now
        dev.boots += 1
        dev.awake = True
        self._enter(dev)
        self._purge()
        sys.path[:] = ["", "lib"]
        try:
            dev.app = build()
        finally:
            self._leave()

        def periodic():
            if dev.generation != gen:
                return
            self.tick(dev)
            self.at(self.now + period_ms, periodic, dev)
        self.at(self.now + period_ms, periodic, dev)
