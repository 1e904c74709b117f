"""One wake of a sensor node, from reset to deep sleep.

    import node_app
    node_app.main()        # never returns: ends in machine.deepsleep()

Cold boot: bump the boot counter on flash, send HELLO. Every wake: read the
sensors, send a REPORT, wait for its RECEIPT (retransmitting), take the time
and any commands from it, answer each command with a RESULT, then sleep for
the interval minus the time awake (the interval times LOW_BATTERY_STRETCH
while the battery is low).
"""
import time
import machine
import network
import espnow
import config as cfg
import espnow_proto as p
from node_link import Link
from node_sensors import read_all
from node_state import FLAG_CLOCK_SET, NodeState, bump_boot_counter
from pairing import load_pairing, save_paired

_SETTINGS_FILE = "interval.txt"
_MAX_RESULT_ROUNDS = 4


def capabilities():
    return p.CAP_ENVIRONMENT | p.CAP_LIGHT | p.CAP_BATTERY


def effective_interval(interval, low_battery):
    """Seconds until the next report: stretched while the battery is low."""
    return min(interval * cfg.LOW_BATTERY_STRETCH, 0xFFFF) if low_battery else interval


def sleep_ms_for(interval_s, awake_ms):
    """Deep-sleep time so that reports are ``interval_s`` apart."""
    return max(interval_s * 1000 - awake_ms, cfg.MIN_SLEEP_MS)


def apply_commands(records, set_interval):
    """Runs the COMMAND records carried in a RECEIPT (or a COMMAND message):
    returns [(command id, outcome)] for the commands that carry an id."""
    results = []
    ident = None
    outcome = None

    def close():
        if ident is not None:
            results.append((ident, p.OUTCOME_INVALID if outcome is None else outcome))

    for rtype, value in records:
        if rtype == p.R_COMMAND_ID:
            close()
            ident, outcome = value, None
        elif rtype == p.R_SET_INTERVAL:
            ok = value >= cfg.MIN_INTERVAL_S
            if ok:
                set_interval(value)
            outcome = max(outcome or 0, p.OUTCOME_OK if ok else p.OUTCOME_INVALID)
        elif rtype in (p.R_RELAY, p.R_CHANNEL):
            outcome = max(outcome or 0, p.OUTCOME_UNSUPPORTED)
    close()
    return results


def _load_interval():
    try:
        with open(_SETTINGS_FILE) as f:
            value = int(f.read())
        return value if value >= cfg.MIN_INTERVAL_S else cfg.DEFAULT_INTERVAL_S
    except (OSError, ValueError):
        return cfg.DEFAULT_INTERVAL_S


class Wake:
    def __init__(self):
        self.rtc = machine.RTC()
        cause = machine.reset_cause()
        self.cold = cause != machine.DEEPSLEEP_RESET
        self.brownout = cause == getattr(machine, "BROWNOUT_RESET", -1)
        if self.cold:
            self.rtc.memory(b"")
        self.state = NodeState.load(self.rtc, lambda: bump_boot_counter(cfg.BOOT_FILE), _load_interval())
        broker, channel, lmk, pmk = load_pairing(cfg.PAIRING_FILE, cfg.PAIRED_FILE)
        if broker is None:
            broker = self.state.broker
        sta = network.WLAN(network.STA_IF)
        sta.active(True)
        sta.config(channel=channel)
        sta.disconnect()
        self.esp = espnow.ESPNow()
        self.esp.active(True)
        if pmk:
            self.esp.set_pmk(pmk)
        self.link = Link(self.esp, broker, cfg.RECEIPT_WINDOW_MS, cfg.RETRY_LIMIT, lmk)
        self.low_battery = False
        self.pending = []

    def _set_interval(self, value):
        self.state.interval = value
        with open(_SETTINGS_FILE, "w") as f:
            f.write(str(value))

    def send(self, kind, records):
        """One message with its own seq, retransmitted until acknowledged: (receipt, retransmissions)."""
        st = self.state
        seq = st.next_seq()
        st.save(self.rtc)  # a crash after this never reuses the seq
        receipt, tries = self.link.exchange(p.encode_message(kind, st.boot, seq, records), st.boot, seq)
        if self.link.discovered:
            self.link.discovered = False
            st.broker = self.link.broker
            save_paired(cfg.PAIRED_FILE, self.link.broker)
        if receipt is not None:
            self._take_receipt(receipt)
        return receipt, tries

    def _take_receipt(self, receipt):
        unix = receipt.get(p.R_TIME)
        if unix is not None:
            t = time.gmtime(unix - (0 if time.gmtime(0)[0] == 1970 else 946684800))
            self.rtc.datetime((t[0], t[1], t[2], t[6], t[3], t[4], t[5], 0))
            self.state.flags |= FLAG_CLOCK_SET
        self.pending += apply_commands(receipt.records, self._set_interval)

    def _answer_commands(self):
        for msg in self.link.commands:
            self.pending += apply_commands(msg.records, self._set_interval)
        self.link.commands = []
        for _ in range(_MAX_RESULT_ROUNDS):
            todo, self.pending = self.pending, []
            if not todo:
                return
            for ident, outcome in todo:
                self.send(p.RESULT, [(p.R_COMMAND_ID, ident), (p.R_OUTCOME, outcome)])

    def status_bits(self, sensor_status):
        bits = sensor_status
        if self.cold:
            bits |= p.ST_FIRST_AFTER_BOOT
        if self.brownout:
            bits |= p.ST_BROWNOUT
        if self.state.flags & FLAG_CLOCK_SET:
            bits |= p.ST_CLOCK_SET
        return bits

    def run(self):
        st = self.state
        records, sensor_status, _ = read_all(cfg)
        self.low_battery = bool(sensor_status & p.ST_BATTERY_LOW)
        interval = effective_interval(st.interval, self.low_battery)
        if self.cold:
            self.send(p.HELLO, [(p.R_FIRMWARE, cfg.FIRMWARE), (p.R_CAPABILITIES, capabilities()),
                                (p.R_INTERVAL, interval), (p.R_STATUS, self.status_bits(sensor_status))])
        records.append((p.R_STATUS, self.status_bits(sensor_status)))
        if not self.cold:
            records += [(p.R_AWAKE, st.awake_ms or 0), (p.R_RETRIES, 255 if st.retries is None else st.retries)]
        records.append((p.R_INTERVAL, interval))
        receipt, tries = self.send(p.REPORT, records)
        st.retries = tries if receipt is not None else None
        self._answer_commands()
        return effective_interval(st.interval, self.low_battery)

    def sleep(self, interval_s):
        self.esp.active(False)
        self.state.awake_ms = time.ticks_ms()
        self.state.save(self.rtc)
        machine.deepsleep(sleep_ms_for(interval_s, self.state.awake_ms))


def main():
    wake = Wake()
    wake.sleep(wake.run())
