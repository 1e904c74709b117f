"""Socket / PDU node settings that are code, not wiring. The wiring (which
channel is which relay pin, expander pin or meter) is in ``socket.json`` on
the device (socket_config.py); pairing is in ``espnow.json`` as for a sensor node.
"""

FIRMWARE = "socket-1.0.0"

# Files on the device's flash
WIRING_FILE = "socket.json"  # channels, buses, expanders, DHT; see micropython/README.md section 9
PAIRING_FILE = "espnow.json"  # {"broker": "a0b1c2d3e4f5" or "", "channel": 1, "key": "", "pmk": ""}
PAIRED_FILE = "paired.json"  # the broker MAC found by discovery
NVS_NAMESPACE = "socket"  # esp32.NVS namespace: boot counter, energy, relay states, limits

# Timing
MEASURE_MS = 1000  # ms between meter readings (safety, energy integration)
DHT_MS = 2000  # ms between DHT readings (a DHT22 needs 2 s, a DHT11 1 s)
DEFAULT_INTERVAL_S = 60  # s between full reports until the gateway sets another
MIN_INTERVAL_S = 10  # s, smallest interval a set-interval command may set
ENERGY_SAVE_S = 60  # s, at most one energy write to flash this often (and only after a whole Wh)
RECEIPT_WINDOW_MS = 60  # ms to wait for a RECEIPT before retransmitting
RETRY_LIMIT = 3  # retransmissions per message
RECENT_COMMANDS = 8  # command ids remembered, so a duplicate COMMAND is answered, not run twice

# Defaults of the values socket.json may set
REPORT_STEP = 0.2  # a power change larger than this share of the last reported power is reported at once
STEP_FLOOR_W = 5.0  # W; changes smaller than this never count as a step
HUMIDITY_HYSTERESIS = 5.0  # %RH below the limit before a humidity trip clears
