"""Reads the node's sensors once and turns them into REPORT records.

    records, status, battery_mv = read_all(config)

A sensor that does not answer or returns a failed reading sets its status
bit and leaves its records out; the others are still reported. The BH1750's
180 ms conversion runs while the BME280 and the ADC are read.
"""
import time
from machine import ADC, I2C, Pin
import espnow_proto as p
from bh1750 import BH1750
from bme280 import BME280


def env_records(t_centi, p_q24_8, h_q22_10):
    """REPORT records from the BME280's integer outputs (0.01 degC, Pa x 256, %RH x 1024)."""
    return [(p.R_TEMPERATURE, t_centi), (p.R_HUMIDITY, (h_q22_10 * 100 + 512) >> 10),
            (p.R_PRESSURE, (p_q24_8 + 128) >> 8)]


def battery_mv(uv, divider):
    """Battery voltage in mV from the ADC pin's microvolts and the divider ratio."""
    return int(uv * divider / 1000 + 0.5)


def read_battery(cfg):
    adc = ADC(Pin(cfg.BATTERY_ADC), atten=ADC.ATTN_11DB)
    total = 0
    for _ in range(cfg.BATTERY_SAMPLES):
        total += adc.read_uv()
    return battery_mv(total // cfg.BATTERY_SAMPLES, cfg.BATTERY_DIVIDER)


def read_all(cfg):
    """(records, status bits, battery mV or None)."""
    records = []
    status = 0
    light = None
    started = time.ticks_ms()
    try:
        light = BH1750(I2C(1, scl=Pin(cfg.I2C_LIGHT_SCL), sda=Pin(cfg.I2C_LIGHT_SDA), freq=cfg.I2C_FREQ), cfg.BH1750_ADDR)
        light.start()
    except OSError:
        light = None
        status |= p.ST_LIGHT_FAILED
    try:
        env = BME280(I2C(0, scl=Pin(cfg.I2C_ENV_SCL), sda=Pin(cfg.I2C_ENV_SDA), freq=cfg.I2C_FREQ), cfg.BME280_ADDR)
        t, pr, h = env.read_compensated()
        if not -4000 <= t <= 8500:
            raise OSError(5, "BME280: temperature out of range")
        records += env_records(t, pr, h)
    except OSError:
        status |= p.ST_ENV_FAILED
    mv = None
    try:
        mv = read_battery(cfg)
    except (OSError, ValueError):
        pass
    if light is not None:
        left = light.wait_ms - time.ticks_diff(time.ticks_ms(), started)
        if left > 0:
            time.sleep_ms(left)
        try:
            records.append((p.R_ILLUMINANCE, light.read_centilux()))
        except OSError:
            status |= p.ST_LIGHT_FAILED
    if mv is not None:
        records.append((p.R_BATTERY, min(mv, 0xFFFF)))
        if mv < cfg.LOW_BATTERY_V * 1000:
            status |= p.ST_BATTERY_LOW
    return records, status, mv
