# Socket / PDU node entry point (see socket_boot.py). An error (a bad
# socket.json, a bug) is printed and the board resets after 10 s, so the
# relays go back through their power-on states rather than staying in a
# half-built program.
import sys
import time
import machine
import socket_boot

try:
    socket_boot.main()
except Exception as e:
    sys.print_exception(e)
    time.sleep(10)
    machine.reset()
