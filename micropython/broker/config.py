"""Broker settings. The broker needs no pairing: it hears every node on its
channel. Nodes listed in NODE_KEYS talk to it encrypted (ESP-NOW LMK, plus the
PMK below); their plaintext unicasts are then refused by the radio.
"""

CHANNEL = 1  # Wi-Fi channel, 1..13; every node's espnow.json must name the same
PMK = ""  # ESP-NOW primary master key, 32 hex digits, or "" for the default
NODE_KEYS = {}  # {"a2b2c2d2e2f2": "<32 hex digits LMK>"}; at most 6 (ESP-NOW limit)

BAUD = 115200  # the USB-serial bridge's line rate (UART0, shared with the REPL)
UART_TX_FIFO = 128  # bytes the UART takes without blocking
UART_QUEUE_BYTES = 4096  # serial output held while the line is busy; RX lines beyond it are dropped
SERIAL_IN_PER_STEP = 256  # bytes of gateway input read per loop turn
RADIO_PER_STEP = 16  # radio messages handled per loop turn
RXBUF = 8192  # ESP-NOW receive buffer, bytes (default 526 holds two long messages)

HB_INTERVAL_S = 10  # s between HB lines
QUEUE_PER_NODE = 16  # commands held per node
QUEUE_NODES = 64  # nodes with held commands
COMMAND_TTL_S = 86400  # s before a held command expires
MAX_PEERS = 20  # ESP-NOW peer table size
DEDUP_NODES = 64  # nodes whose recent (boot, seq) pairs are remembered
LISTENING_NODES = 64  # listening nodes (HELLO with bit 5) remembered; beyond, the oldest HELLO's node counts as sleepy
DIRECT_TRIES = 3  # sends (each with the radio's own retries) of a COMMAND to a listening node before TXR failed

# CAN bridge (can_bridge.py): None, or the MCP2515's SPI pins and crystal, e.g.
# {"sck": 18, "mosi": 23, "miso": 19, "cs": 5, "osc_hz": 8000000}
CAN = None

FIRMWARE = "broker-1.0.0"
