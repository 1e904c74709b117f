# Sensor node entry point: one wake, then deep sleep (see node_app.py).
# Ctrl-C in the REPL stops it before the sleep for maintenance with mpremote.
import sys
import machine
import node_app

try:
    node_app.main()
except Exception as e:  # a bug or a bad espnow.json must not keep the node awake
    sys.print_exception(e)
    import config
    machine.deepsleep(config.FAILED_WAKE_SLEEP_MS)
