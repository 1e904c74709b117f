"""The sensor node carrier: one table of parts and nets.

Everything the generator writes (symbol library, footprints, schematic,
board) comes from this table, so the schematic and the board cannot drift
apart. The GPIO numbers must match micropython/node/config.py; the test
test/kicad/nets.test.ts reads the written schematic and checks that.

The dev board is a WEMOS LOLIN D32 (ESP32-WROOM-32, on-board LiPo charger,
PH-2.0 battery jack, 57 x 25.4 mm, two rows of 16 pins 22.86 mm apart).
Header order from the LOLIN D32 V1.0.0 pinout as used by the ESPuino D32
carrier board: left row (antenna up) pins 1..16 bottom to top, right row
pins 17..32 bottom to top. GPIO35 is wired on the D32 itself to its own
battery divider and is not on the headers.
"""

# Pin number -> (name, KiCad electrical type). Names carry the GPIO number
# ("IO26") so the test can map firmware numbers to header pins.
D32_PINS = {
    1: ("BAT", "power_in"), 2: ("USB", "power_out"), 3: ("EN", "input"),
    4: ("IO13", "bidirectional"), 5: ("IO12", "bidirectional"),
    6: ("IO14", "bidirectional"), 7: ("IO27", "bidirectional"),
    8: ("IO26", "bidirectional"), 9: ("IO25", "bidirectional"),
    10: ("IO33", "bidirectional"), 11: ("IO32", "bidirectional"),
    12: ("IO34", "input"), 13: ("IO39", "input"), 14: ("IO36", "input"),
    15: ("RST", "input"), 16: ("3V3", "power_out"),
    17: ("GND", "power_in"), 18: ("IO15", "bidirectional"),
    19: ("IO2", "bidirectional"), 20: ("IO0", "bidirectional"),
    21: ("IO4", "bidirectional"), 22: ("IO16", "bidirectional"),
    23: ("IO17", "bidirectional"), 24: ("IO5", "bidirectional"),
    25: ("IO18", "bidirectional"), 26: ("IO19", "bidirectional"),
    27: ("IO21", "bidirectional"), 28: ("IO3", "bidirectional"),
    29: ("IO1", "bidirectional"), 30: ("IO22", "bidirectional"),
    31: ("IO23", "bidirectional"), 32: ("GND", "power_in"),
}
# Silkscreen label of each header pin, as printed on the D32.
D32_SILK = {1: "BAT", 2: "USB", 3: "EN", 13: "VN", 14: "VP", 15: "RST",
            16: "3V", 17: "GND", 28: "RX", 29: "TX", 32: "GND"}

BME280_PINS = {1: ("VCC", "power_in"), 2: ("GND", "power_in"),
               3: ("SCL", "input"), 4: ("SDA", "bidirectional"),
               5: ("CSB", "input"), 6: ("SDO", "input")}
# SDO is the BME280's SPI data out, but in I2C mode only the address strap
# (tied to GND here for 0x76): typed input, or KiCad's ERC warns about a
# bidirectional pin on the PWR_FLAG-driven GND net.
BH1750_PINS = {1: ("VCC", "power_in"), 2: ("GND", "power_in"),
               3: ("SCL", "input"), 4: ("SDA", "bidirectional"),
               5: ("ADDR", "input")}

# ref: lib symbol, value, footprint, price in EUR (rough, single piece,
# 2024 web-shop prices), order hint, pin -> net (absent pin = not connected)
PARTS = {
    "U1": dict(sym="LOLIN_D32", value="LOLIN D32", fp="LOLIN_D32_Socket",
               price=6.50, order="WEMOS LOLIN D32 V1.0.0 + 2x 1x16 female header 2.54 mm",
               nets={1: "VBAT", 8: "I2C_ENV_SCL", 9: "I2C_ENV_SDA",
                     10: "I2C_LIGHT_SCL", 11: "I2C_LIGHT_SDA",
                     12: "VBAT_SENSE", 16: "+3V3", 17: "GND", 32: "GND"}),
    "U2": dict(sym="GY-BME280", value="BME280 module (GY-BME280, 3.3 V, 6 pin)",
               fp="GY-BME280_Socket", price=3.50,
               order="GY-BME280 3.3 V breakout + 1x6 female header",
               nets={1: "+3V3", 2: "GND", 3: "I2C_ENV_SCL", 4: "I2C_ENV_SDA",
                     5: "+3V3", 6: "GND"}),
    "U3": dict(sym="GY-302", value="BH1750 module (GY-302)", fp="GY-302_Socket",
               price=1.80, order="GY-302 BH1750 breakout + 1x5 female header",
               nets={1: "+3V3", 2: "GND", 3: "I2C_LIGHT_SCL",
                     4: "I2C_LIGHT_SDA", 5: "GND"}),
    "R1": dict(sym="R", value="220k", fp="R_0805", price=0.02,
               order="220 kOhm 1% 0805", nets={1: "VBAT", 2: "VBAT_SENSE"}),
    "R2": dict(sym="R", value="220k", fp="R_0805", price=0.02,
               order="220 kOhm 1% 0805", nets={1: "VBAT_SENSE", 2: "GND"}),
    "C1": dict(sym="C", value="100n", fp="C_0805", price=0.03,
               order="100 nF X7R 0805", nets={1: "+3V3", 2: "GND"}),
    "C2": dict(sym="C", value="100n", fp="C_0805", price=0.03,
               order="100 nF X7R 0805", nets={1: "+3V3", 2: "GND"}),
    "C3": dict(sym="C", value="10u", fp="C_0805", price=0.06,
               order="10 uF X5R 10 V 0805", nets={1: "+3V3", 2: "GND"}),
    "C4": dict(sym="C", value="100n", fp="C_0805", price=0.03,
               order="100 nF X7R 0805", nets={1: "VBAT_SENSE", 2: "GND"}),
    "J1": dict(sym="Battery_Conn", value="LiPo 3.7 V (JST-PH 2)",
               fp="JST_PH_B2B-PH-K", price=0.15,
               order="JST B2B-PH-K-S (PH 2.0 mm, 2 pin, vertical)",
               nets={1: "VBAT", 2: "GND"}),
    "TP1": dict(sym="TestPoint", value="SCL_ENV", fp="TestPoint_THT_D2.0mm",
                price=0.0, order="bare pad", nets={1: "I2C_ENV_SCL"}),
    "TP2": dict(sym="TestPoint", value="SDA_ENV", fp="TestPoint_THT_D2.0mm",
                price=0.0, order="bare pad", nets={1: "I2C_ENV_SDA"}),
    "TP3": dict(sym="TestPoint", value="SCL_LIGHT", fp="TestPoint_THT_D2.0mm",
                price=0.0, order="bare pad", nets={1: "I2C_LIGHT_SCL"}),
    "TP4": dict(sym="TestPoint", value="SDA_LIGHT", fp="TestPoint_THT_D2.0mm",
                price=0.0, order="bare pad", nets={1: "I2C_LIGHT_SDA"}),
    "TP5": dict(sym="TestPoint", value="GND", fp="TestPoint_THT_D2.0mm",
                price=0.0, order="bare pad", nets={1: "GND"}),
    "H1": dict(sym="MountingHole", value="M3", fp="MountingHole_M3", price=0.0,
               order="M3 screw + 10 mm spacer", nets={}),
    "H2": dict(sym="MountingHole", value="M3", fp="MountingHole_M3", price=0.0,
               order="M3 screw + 10 mm spacer", nets={}),
    "H3": dict(sym="MountingHole", value="M3", fp="MountingHole_M3", price=0.0,
               order="M3 screw + 10 mm spacer", nets={}),
    "H4": dict(sym="MountingHole", value="M3", fp="MountingHole_M3", price=0.0,
               order="M3 screw + 10 mm spacer", nets={}),
}

# Nets that get a PWR_FLAG: driven from outside the schematic (battery,
# ground return) so the electrical rules know they are powered.
POWER_FLAGS = ["GND", "VBAT"]
