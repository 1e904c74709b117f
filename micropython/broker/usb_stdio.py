"""The REPL's UART (UART0 behind the dev board's USB-serial bridge) as a
UART-like port for SerialLink: ``write``, ``any``, ``read``.

    import micropython
    micropython.kbd_intr(-1)   # a 0x03 from the gateway must not stop the broker
    port = UsbStdio()
"""
import select
import sys


class UsbStdio:
    def __init__(self):
        self._out = sys.stdout.buffer
        self._in = sys.stdin.buffer
        self._poll = select.poll()
        self._poll.register(sys.stdin, select.POLLIN)

    def write(self, buf):
        return self._out.write(buf)

    def any(self):
        return 1 if self._poll.poll(0) else 0

    def read(self, n):
        out = bytearray()
        while len(out) < n and self._poll.poll(0):
            out += self._in.read(1)
        return bytes(out)
