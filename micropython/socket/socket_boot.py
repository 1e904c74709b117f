"""Builds a socket / PDU node from what is on its flash and starts it::

    import socket_boot
    socket_boot.main()                # on the device: never returns

    app = socket_boot.build()         # tests: a started SocketApp

Order matters for safety: the wiring is checked and every relay is driven
off before the radio (or, with ``"link": "can"`` in socket.json, the
MCP2515) starts; the boot counter is bumped only after every
check that could fail, so a reset loop on a bad file does not wear the flash.
"""
import config as cfg
from socket_app import SocketApp


def build():
    """Reads the wiring, sets every relay to its power-on state, starts the
    radio (or the CAN link), sends HELLO and the first REPORT; returns the
    running SocketApp."""
    import esp32
    import machine
    from channel import Channel
    from socket_config import load_wiring
    from socket_hw import build_hardware
    from socket_store import Store
    wiring = load_wiring(cfg.WIRING_FILE)
    relays, meters, dht = build_hardware(wiring)
    store = Store(esp32.NVS(cfg.NVS_NAMESPACE), len(relays))
    settings, energy = store.load_settings(), store.load_energy()
    channels = []
    for i, relay in enumerate(relays):
        ch = Channel(i + 1, relay, meters[i], *settings[i])
        ch.wh, ch.acc = energy[i]
        ch.saved_wh = ch.wh
        ch.power_limit = int(wiring["channels"][i].get("max_w", 0) * 10 + 0.5)
        channels.append(ch)
    if wiring.get("link") == "can":
        import can_node_link  # OSError when no MCP2515 answers: main.py resets in 10 s, relays stay off
        link = can_node_link.start(wiring["can"], cfg.RECEIPT_WINDOW_MS, cfg.RETRY_LIMIT)
    else:
        import node_link
        link = node_link.start(cfg.PAIRING_FILE, cfg.PAIRED_FILE, cfg.RECEIPT_WINDOW_MS, cfg.RETRY_LIMIT)
    boot = store.bump_boot()  # after every check that could fail, so a reset loop does not wear the flash
    app = SocketApp(link, channels, dht, store, boot, wiring, machine.RTC())
    app.start()
    return app


def main():
    build().run()
