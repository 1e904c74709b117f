"""Front-panel controller settings: the wiring (pins as on the board in
micropython/README.md section 10) and timing. Pairing is in ``espnow.json``
as for a sensor node (broker MAC, channel, keys).
"""

FIRMWARE = "panel-1.0.0"

# LCD: 20x4 HD44780 behind a PCF8574 backpack on I2C
LCD_SCL = 22
LCD_SDA = 21
LCD_ADDR = 0x27  # 0x27 (PCF8574T), 0x3f (PCF8574AT)

# Buttons: GPIO to GND, internal pull-up; button n is channel n + 1 (1..16)
BUTTON_PINS = (32, 33, 25, 26)
LONG_PRESS_MS = 800  # held at least this long: a long press (record 0x16 = 2)
DEBOUNCE_MS = 30
POLL_MS = 10  # ms between button reads

# LEDs, one per button (channel n + 1 is bit n + 1 of record 0x59):
#   ("gpio", (pin, ...))  LED + resistor from the pin to GND
#   ("hc595", latch pin, count)  a 74HC595 chain on the SPI bus below (MOSI -> SER, SCK -> SRCLK)
#   ("mcp23017", address, (expander pin, ...))  on the LCD's I2C bus
LEDS = ("gpio", (27, 14, 12, 13))
SPI_ID = 2
SPI_SCK = 18
SPI_MOSI = 23
SPI_MISO = 19

# Files on the device's flash
PAIRING_FILE = "espnow.json"
PAIRED_FILE = "paired.json"
BOOT_FILE = "boot.dat"  # the cold boot counter

# Radio
RECEIPT_WINDOW_MS = 60
RETRY_LIMIT = 3
DEFAULT_INTERVAL_S = 300  # s between REPORTs that say the panel is alive (LED state, status)
MIN_INTERVAL_S = 10
RECENT_COMMANDS = 8  # command ids remembered, so a repeated COMMAND is answered, not run twice
