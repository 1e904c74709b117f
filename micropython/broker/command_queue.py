"""COMMANDs held for sleeping nodes until they next send something
(PROTOCOL.md: at most 16 per node, the oldest expire after 24 h).

    q = CommandQueue(per_node=16, nodes=64, ttl_ms=86_400_000)
    q.put(mac, tx_id, body, now_ms)          # False when full
    tail, ids = q.take(mac, room)            # COMMAND records that fit in `room` bytes
    q.done(mac, ids)                         # after the RECEIPT got its radio ack
    expired_ids = q.expire(now_ms)
"""
import time


class CommandQueue:
    def __init__(self, per_node, nodes, ttl_ms):
        self._per_node = per_node
        self._nodes = nodes
        self._ttl = ttl_ms
        self._q = {}  # mac -> [(tx id, body, queued at ms)]
        self.count = 0

    def put(self, mac, ident, body, now):
        items = self._q.get(mac)
        if items is None:
            if len(self._q) >= self._nodes:
                return False
            items = self._q[mac] = []
        if len(items) >= self._per_node:
            return False
        items.append((ident, body, now))
        self.count += 1
        return True

    def take(self, mac, room):
        """(bytes of the oldest commands' records that fit in ``room``, their ids)."""
        parts = []
        ids = []
        for ident, body, _ in self._q.get(mac, ()):
            if len(body) > room:
                break
            parts.append(body)
            ids.append(ident)
            room -= len(body)
        return b"".join(parts), ids

    def done(self, mac, ids):
        items = self._q.get(mac)
        if not items:
            return
        keep = [it for it in items if it[0] not in ids]
        self.count -= len(items) - len(keep)
        if keep:
            self._q[mac] = keep
        else:
            del self._q[mac]

    def expire(self, now):
        """Drops commands older than the TTL; returns their ids."""
        gone = []
        for mac in list(self._q):
            old = [ident for ident, _, at in self._q[mac] if time.ticks_diff(now, at) >= self._ttl]
            if old:
                self.done(mac, old)
                gone += old
        return gone
