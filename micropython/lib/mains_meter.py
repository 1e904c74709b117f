"""Mains voltage and current from a ZMPT101B and an ACS712 on two ADC pins:
sampled in pairs at a fixed period over whole mains cycles; true RMS of each,
and real power as the mean of the instantaneous product.

    from machine import ADC, Pin
    from mains_meter import MainsMeter
    m = MainsMeter(ADC(Pin(39), atten=ADC.ATTN_11DB), ADC(Pin(36), atten=ADC.ATTN_11DB),
                   v_zero_mv=1650, volts_per_mv=0.325, i_zero_mv=1650, mv_per_a=123.3)
    vrms, irms, watts = m.read()         # V, A, W; about 60 ms (3 cycles of 50 Hz)

The zero offsets and scales come from the config (README: calibration). The
current is read ``d`` us after the voltage of the same pair; each voltage
sample is paired with the current interpolated back to its instant, so the
phase between them is not skewed by the read time. The maths is the pure
function ``rms_power``.
"""
import math
import time
from array import array

MAX_PAIRS = 512  # samples per channel held at once (2 KB each)
_vbuf = array("i", bytes(4 * MAX_PAIRS))
_ibuf = array("i", bytes(4 * MAX_PAIRS))


def rms_power(v_uv, i_uv, n, lag, v_zero_uv, volts_per_mv, i_zero_uv, mv_per_a):
    """(V rms, A rms, W) from ``n`` sample pairs in uV. ``lag`` is the current
    read's delay after the voltage read as a fraction of the pair period; the
    current at each voltage instant is interpolated from its two neighbours."""
    sv = si = sp = 0.0
    prev = (i_uv[n - 1] - i_zero_uv) * 0.001  # whole cycles: the last pair precedes the first
    for k in range(n):
        v = (v_uv[k] - v_zero_uv) * 0.001
        c = (i_uv[k] - i_zero_uv) * 0.001
        at_v = c - (c - prev) * lag
        sv += v * v
        si += c * c
        sp += v * at_v
        prev = c
    return math.sqrt(sv / n) * volts_per_mv, math.sqrt(si / n) / mv_per_a, sp / n * volts_per_mv / mv_per_a


class MainsMeter:
    """One mains channel: ``adc_v`` on the ZMPT101B output, ``adc_i`` on the
    ACS712 output (through a divider if the ACS712 runs on 5 V)."""

    def __init__(self, adc_v, adc_i, v_zero_mv, volts_per_mv, i_zero_mv, mv_per_a,
                 hz=50, cycles=3, pair_us=200):
        n = (cycles * 1000000 // hz) // pair_us
        if not 8 <= n <= MAX_PAIRS:
            raise ValueError("mains meter: %d cycles at %d Hz every %d us is %d pairs (8..%d)"
                             % (cycles, hz, pair_us, n, MAX_PAIRS))
        self._v = adc_v
        self._i = adc_i
        self._n = n
        self._pair_us = pair_us
        self._cal = (int(v_zero_mv * 1000), volts_per_mv, int(i_zero_mv * 1000), mv_per_a)

    def sample(self):
        """Fills the buffers with one whole-cycles run: (pairs, lag fraction)."""
        read_v, read_i = self._v.read_uv, self._i.read_uv
        period = self._pair_us
        t0 = time.ticks_us()
        lag_us = 0
        for k in range(self._n):
            due = time.ticks_add(t0, k * period)
            while time.ticks_diff(time.ticks_us(), due) < 0:
                pass
            a = time.ticks_us()
            _vbuf[k] = read_v()
            b = time.ticks_us()
            _ibuf[k] = read_i()
            lag_us += time.ticks_diff(b, a)
        return self._n, lag_us / self._n / period

    def read(self):
        """(V rms, A rms, W real power)."""
        n, lag = self.sample()
        return rms_power(_vbuf, _ibuf, n, lag, *self._cal)
