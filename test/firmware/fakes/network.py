"""Fake ``network``: WLAN interfaces of the running device; the channel set
here is the one the simulated air uses for its frames."""
import sim

STA_IF = 0
AP_IF = 1


class WLAN:
    IF_STA = 0
    IF_AP = 1
    PM_NONE = 0
    PM_PERFORMANCE = 1
    PM_POWERSAVE = 2

    def __init__(self, interface=0):
        self._dev = sim.current()
        self._if = interface

    def active(self, flag=None):
        if flag is None:
            return self._dev.wlan_active
        self._dev.wlan_active = bool(flag)

    def config(self, *args, **kw):
        if args:
            key = args[0]
            if key == "mac":
                return self._dev.mac
            if key == "channel":
                return self._dev.channel
            if key == "pm":
                return getattr(self._dev, "pm", 1)
            raise ValueError("unknown config param")
        if not self._dev.wlan_active:
            raise OSError(12389, "Wifi Not Started")
        if "channel" in kw:
            self._dev.channel = kw["channel"]
        if "pm" in kw:
            self._dev.pm = kw["pm"]

    def disconnect(self):
        pass

    def isconnected(self):
        return False
