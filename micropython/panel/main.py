# Front-panel controller entry point (see panel_app.py). An error is printed
# and the board resets after 10 s.
import sys
import time
import machine
import panel_app

try:
    panel_app.main()
except Exception as e:
    sys.print_exception(e)
    time.sleep(10)
    machine.reset()
