"""The broker's serial side: paced line output and bounded line input over a
UART-like port (``write(buf) -> n``, ``any() -> n``, ``read(n)`` returning the
bytes available now, at most n).

Output is queued and written at most as fast as the line drains
(``baud / 10`` bytes/s, never more than the UART FIFO at once), so a write
never blocks the radio loop; when the queue is full, RX lines are dropped and
counted, other lines only at twice the limit. Input is read in bounded chunks;
a line over 1024 bytes is discarded up to the next ``\\n``.

    link = SerialLink(port, baud=115200, fifo=128, limit=4096)
    link.send(b"RX,...*crc\\n", droppable=True)
    link.pump(now_ms)                       # call every loop turn
    for line in link.poll_lines(256): ...   # complete lines, without \\n
"""
import time

_MAX_LINE = 1024


class SerialLink:
    def __init__(self, port, baud, fifo, limit):
        self._port = port
        self._rate = baud // 10 * 95  # bytes per 100 s: 5 % under the line rate
        self._fifo = fifo
        self._limit = limit
        self._out = []
        self._head = 0  # bytes of _out[0] already written
        self._queued = 0
        self._credit = fifo * 100000  # in bytes x 100000
        self._last = time.ticks_ms()
        self._in = bytearray()
        self._skipping = False
        self.dropped = 0  # lines not sent for a full queue
        self.overlong = 0  # input lines over 1024 bytes

    def send(self, line, droppable=False):
        """Queues one line; returns False if it was dropped."""
        if self._queued + len(line) > self._limit * (1 if droppable else 2):
            self.dropped += 1
            return False
        self._out.append(line)
        self._queued += len(line)
        return True

    def pending(self):
        return self._queued

    def pump(self):
        """Writes what the line can take now."""
        now = time.ticks_ms()
        self._credit = min(self._credit + time.ticks_diff(now, self._last) * self._rate, self._fifo * 100000)
        self._last = now
        while self._out:
            budget = self._credit // 100000
            if budget <= 0:
                return
            line = self._out[0]
            n = min(budget, len(line) - self._head)
            n = self._port.write(memoryview(line)[self._head:self._head + n]) or 0
            if n <= 0:
                return
            self._credit -= n * 100000
            self._head += n
            self._queued -= n
            if self._head >= len(line):
                self._out.pop(0)
                self._head = 0

    def input_waiting(self):
        return bool(self._port.any())

    def poll_lines(self, max_bytes):
        """Reads up to ``max_bytes`` and returns the complete lines (bytes, without ``\\n``)."""
        lines = []
        if not self._port.any():
            return lines
        data = self._port.read(max_bytes) or b""  # what is there, at most max_bytes
        start = 0
        while True:
            nl = data.find(b"\n", start)
            chunk = data[start:] if nl < 0 else data[start:nl]
            if not self._skipping:
                self._in += chunk
                if len(self._in) > _MAX_LINE + 1:  # + 1: a \r before the \n
                    self._in = bytearray()
                    self._skipping = True
                    self.overlong += 1
            if nl < 0:
                return lines
            if not self._skipping:
                lines.append(bytes(self._in))
            self._in = bytearray()
            self._skipping = False
            start = nl + 1
