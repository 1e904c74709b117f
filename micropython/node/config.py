"""Sensor node settings: wiring, sensor addresses, battery divider, timing.

The hardware check (kicad/ tests) parses the pin lines below, so each stays
a plain ``NAME = value  # comment`` line. Pairing (broker MAC, channel, key)
is not here but in ``espnow.json`` on the device, so nodes are paired
without editing code.
"""

# Wiring (LOLIN D32 carrier board)
I2C_ENV_SCL = 26  # BME280 SCL, I2C bus 0
I2C_ENV_SDA = 25  # BME280 SDA, I2C bus 0
BME280_ADDR = 0x76  # SDO to GND
I2C_LIGHT_SCL = 33  # BH1750 SCL, I2C bus 1
I2C_LIGHT_SDA = 32  # BH1750 SDA, I2C bus 1
BH1750_ADDR = 0x23  # ADDR to GND
BATTERY_ADC = 34  # ADC1, input-only pin, usable with the radio on
BATTERY_DIVIDER = 2.0  # Vbat / Vpin; two 220 kohm resistors on the carrier board
I2C_FREQ = 100000  # Hz

# Timing
DEFAULT_INTERVAL_S = 300  # s between reports until the gateway sets another
MIN_INTERVAL_S = 10  # s, smallest interval a set-interval command may set
MIN_SLEEP_MS = 1000  # ms, shortest deep sleep even when a wake ran long
RECEIPT_WINDOW_MS = 60  # ms to wait for a RECEIPT before retransmitting
RETRY_LIMIT = 3  # retransmissions per message
FAILED_WAKE_SLEEP_MS = 60000  # ms to sleep after an unexpected error

# Battery
LOW_BATTERY_V = 3.45  # V, below this the node flags "battery low"
LOW_BATTERY_STRETCH = 4  # the interval is multiplied by this while the battery is low
BATTERY_SAMPLES = 8  # ADC readings averaged per wake

# Files on the device's flash
PAIRING_FILE = "espnow.json"  # {"broker": "a0b1c2d3e4f5" or "", "channel": 1, "key": "", "pmk": ""}
PAIRED_FILE = "paired.json"  # the broker MAC found by discovery
BOOT_FILE = "boot.dat"  # cold-boot counter

FIRMWARE = "node-1.0.0"
