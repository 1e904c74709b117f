"""The front-panel controller: a listening node (radio always on) with up to
16 buttons, one LED each and a 20x4 LCD. Each press goes out at once as a
REPORT with the button's channel (0x0f) and the press (0x16, 1 short, 2
long); a COMMAND's text (0x58) goes on the LCD, its 0x59 onto the LEDs, and
every COMMAND is answered with a RESULT::

    import panel_app
    panel_app.main()                 # on the device: never returns

    app = panel_app.build()          # tests: a started app (HELLO sent)
    wait_ms = app.step(0)            # one loop turn; ms until it wants the next

Button n (0-based in config.BUTTON_PINS) is channel n + 1; its LED is bit
n + 1 of record 0x59. While a message waits for its RECEIPT (at most about
250 ms with the broker gone) the buttons are not read; a press still held
afterwards is seen, a shorter one is lost.
"""
import time
import espnow_proto as p
import config as cfg
from listening_node import ListeningNode
from panel_commands import run_command


class PanelApp(ListeningNode):
    def __init__(self, link, keys, lcd, leds, boot):
        super().__init__(link, boot, cfg.RECENT_COMMANDS)
        self.keys = keys
        self.lcd = lcd
        self.leds = leds
        self.interval = cfg.DEFAULT_INTERVAL_S
        self.min_interval = cfg.MIN_INTERVAL_S
        self.first = True
        self.text = ""
        self.presses = 0
        now = time.ticks_ms()
        self._next_poll = now
        self._next_report = time.ticks_add(now, self.interval * 1000)

    # --- what commands use -------------------------------------------------
    def show(self, text):
        try:
            self.lcd.show(text)
        except OSError:
            return False
        self.text = text
        return True

    def led_bits(self):
        """The 0x59 bits that have an LED: channels 1..count."""
        return ((1 << self.leds.count) - 1) << 1

    def leds_mask(self):
        return 0 if self.leds is None else self.leds.state << 1

    def set_leds(self, mask):
        try:
            self.leds.set(mask >> 1)
        except OSError:
            return False
        return True

    def set_interval(self, s):
        self.interval = s
        self._next_report = time.ticks_add(time.ticks_ms(), s * 1000)

    # --- start and loop ------------------------------------------------------
    def capabilities(self):
        caps = p.CAP_LISTENING | p.CAP_BUTTONS
        if self.lcd is not None:
            caps |= p.CAP_TEXT_DISPLAY
        if self.leds is not None:
            caps |= p.CAP_LEDS
        return caps

    def start(self):
        self.send(p.HELLO, [(p.R_FIRMWARE, cfg.FIRMWARE), (p.R_CAPABILITIES, self.capabilities()),
                            (p.R_INTERVAL, self.interval), (p.R_STATUS, p.ST_FIRST_AFTER_BOOT)])
        self.answer()

    def busy(self):
        return False

    def step(self, wait_ms=0):
        now = time.ticks_ms()
        if time.ticks_diff(now, self._next_poll) >= 0:
            self._next_poll = time.ticks_add(now, cfg.POLL_MS)
            for index, kind in self.keys.poll(now):
                self.presses += 1
                self.first = False
                self.send(p.REPORT, [(p.R_CHANNEL, index + 1), (p.R_PRESS, kind)])
        self.listen(wait_ms)
        self.answer()
        now = time.ticks_ms()
        if time.ticks_diff(now, self._next_report) >= 0:
            self._next_report = time.ticks_add(now, self.interval * 1000)
            self._report()
        return max(0, time.ticks_diff(self._next_poll, time.ticks_ms()))

    def run(self):
        wait = 0
        while True:
            wait = self.step(wait)

    # --- radio -----------------------------------------------------------------
    def run_command(self, ident, records, unknown):
        return run_command(self, ident, records, unknown)

    def _report(self):
        records = [(p.R_STATUS, p.ST_FIRST_AFTER_BOOT if self.first else 0), (p.R_INTERVAL, self.interval)]
        if self.leds is not None:
            records.append((p.R_LEDS, self.leds_mask()))
        self.first = False
        self.send(p.REPORT, records)


def bump_boot(path):
    """The cold boot counter kept in ``path``, +1 (0..65535, wraps)."""
    try:
        with open(path) as f:
            boot = int(f.read()) + 1
    except (OSError, ValueError):
        boot = 1
    boot &= 0xFFFF
    with open(path, "w") as f:
        f.write(str(boot))
    return boot


def build_leds(i2c):
    kind = cfg.LEDS[0]
    import leds
    from machine import Pin
    if kind == "gpio":
        return leds.GpioLeds([Pin(n, Pin.OUT) for n in cfg.LEDS[1]])
    if kind == "hc595":
        from machine import SPI
        spi = SPI(cfg.SPI_ID, baudrate=1000000, sck=Pin(cfg.SPI_SCK), mosi=Pin(cfg.SPI_MOSI), miso=Pin(cfg.SPI_MISO))
        return leds.ShiftLeds(spi, Pin(cfg.LEDS[1], Pin.OUT), cfg.LEDS[2])
    if kind == "mcp23017":
        from mcp23017 import MCP23017
        return leds.ExpanderLeds(MCP23017(i2c, cfg.LEDS[1]), cfg.LEDS[2])
    raise ValueError("config.py: LEDS: %r is not gpio, hc595 or mcp23017" % (kind,))


def build():
    """Buttons, LEDs, LCD (left out if its backpack does not answer), radio;
    sends HELLO; returns the running PanelApp."""
    import node_link
    from machine import I2C, Pin
    from buttons import Buttons, gpio_reader
    from pcf8574_hd44780 import Lcd
    if len(cfg.BUTTON_PINS) > 16:
        raise ValueError("config.py: BUTTON_PINS: at most 16 buttons")
    keys = Buttons(gpio_reader([Pin(n, Pin.IN, Pin.PULL_UP) for n in cfg.BUTTON_PINS]),
                   len(cfg.BUTTON_PINS), cfg.LONG_PRESS_MS, cfg.DEBOUNCE_MS)
    i2c = I2C(0, scl=Pin(cfg.LCD_SCL), sda=Pin(cfg.LCD_SDA), freq=100000)
    leds = build_leds(i2c) if cfg.LEDS else None
    try:
        lcd = Lcd(i2c, cfg.LCD_ADDR)
        lcd.show(["", "  " + cfg.FIRMWARE, "", ""])
    except OSError:
        lcd = None  # HELLO then says: no text display
    link = node_link.start(cfg.PAIRING_FILE, cfg.PAIRED_FILE, cfg.RECEIPT_WINDOW_MS, cfg.RETRY_LIMIT)
    boot = bump_boot(cfg.BOOT_FILE)  # after the pairing file was read: a bad one does not count boots
    app = PanelApp(link, keys, lcd, leds, boot)
    app.start()
    return app


def main():
    build().run()
