"""What every listening node (capability bit 5: sockets, panels) does with
its link to the broker: send a message and take the COMMANDs that come back,
inside its RECEIPT (a broker that treats it as sleepy) or straight; run each
command once and answer it with a RESULT. The link is node_link.Link
(ESP-NOW) or can_node_link.CanNodeLink (CAN)::

    class PanelApp(ListeningNode):
        def run_command(self, ident, records, unknown):   # -> RESULT records
            ...

    app.send(p.REPORT, records)      # True when the RECEIPT came; COMMANDs in it go to pending
    app.listen(wait_ms)              # COMMANDs sent straight to us go to pending
    app.answer()                     # runs what is pending, a RESULT for each

A command that comes again (same id, e.g. its RESULT's RECEIPT was lost and
the gateway repeated it) is answered again with the same RESULT, not run twice.
"""
import espnow_proto as p

_ROUNDS = 4  # RESULTs whose RECEIPTs carry more commands


def split_commands(records):
    """[(command id, [records after it])] for each 0x51 in ``records`` (a
    COMMAND's, or those appended to a RECEIPT); records before the first id are dropped."""
    out = []
    for rtype, value in records:
        if rtype == p.R_COMMAND_ID:
            out.append((value, []))
        elif out:
            out[-1][1].append((rtype, value))
    return out


class ListeningNode:
    def __init__(self, link, boot, remember=8):
        self.link = link
        self.boot = boot
        self.seq = 0
        self.pending = []  # [(command id, records, unknown records)]
        self.recent = []  # [(command id, RESULT records)], newest last
        self._remember = remember

    @property
    def errors(self):
        """Messages from the broker that did not decode."""
        return self.link.errors

    def run_command(self, ident, records, unknown):
        """The RESULT records of one command (the node's own)."""
        raise NotImplementedError

    def took_receipt(self, receipt):
        """Called with each RECEIPT (the node may set its clock from it)."""

    def send(self, kind, records, tail=b""):
        """Sends one message (its RECEIPT awaited, retransmitted); True when acknowledged."""
        seq = self.seq
        self.seq = (seq + 1) & 0xFFFF
        receipt, _ = self.link.exchange(p.encode_message(kind, self.boot, seq, records, tail), self.boot, seq)
        if receipt is not None:
            self.took_receipt(receipt)
            self._hold(receipt.records, 0)
        for msg in self.link.commands:
            self._hold(msg.records, msg.unknown)
        self.link.commands = []
        return receipt is not None

    def listen(self, wait_ms):
        for msg in self.link.listen(wait_ms):
            self._hold(msg.records, msg.unknown)

    def _hold(self, records, unknown):
        self.pending += [(ident, r, unknown) for ident, r in split_commands(records)]

    def answer(self):
        for _ in range(_ROUNDS):
            todo, self.pending = self.pending, []
            if not todo:
                return
            for ident, records, unknown in todo:
                result = None
                for seen, res in self.recent:
                    if seen == ident:
                        result = res
                if result is None:
                    result = self.run_command(ident, records, unknown)
                    self.recent = self.recent[1 - self._remember:] + [(ident, result)]
                self.send(p.RESULT, result)
