# Broker entry point (see broker_app.py). Hold the BOOT button (GPIO0) while it
# starts to get the REPL instead: the broker turns Ctrl-C off while it runs.
from machine import Pin
import broker_app

if Pin(0, Pin.IN, Pin.PULL_UP).value():
    broker_app.main()
