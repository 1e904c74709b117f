"""Builds a socket / PDU node from what is on its flash and starts it::

    import socket_boot
    socket_boot.main()                # on the device: never returns

    app = socket_boot.build()         # tests: a started SocketApp

Order matters for safety: the wiring is checked and every relay is driven
off before the radio starts; the boot counter is bumped only after every
check that could fail, so a reset loop on a bad file does not wear the flash.
"""
import config as cfg
from socket_app import SocketApp


def build():
    """Reads the wiring, sets every relay to its power-on state, starts the
    radio, sends HELLO and the first REPORT; returns the running SocketApp."""
    import esp32
    import espnow
    import machine
    import network
    from channel import Channel
    from node_link import Link
    from pairing import load_pairing, save_paired
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
        channels.append(ch)
    broker, wifi_channel, lmk, pmk = load_pairing(cfg.PAIRING_FILE, cfg.PAIRED_FILE)
    boot = store.bump_boot()  # after every check that could fail, so a reset loop does not wear the flash
    sta = network.WLAN(network.STA_IF)
    sta.active(True)
    sta.config(channel=wifi_channel)
    pm = getattr(network.WLAN, "PM_NONE", None)
    if pm is not None:
        sta.config(pm=pm)  # a listening node keeps its receiver on
    sta.disconnect()
    esp = espnow.ESPNow()
    esp.active(True)
    if pmk:
        esp.set_pmk(pmk)
    link = Link(esp, broker, cfg.RECEIPT_WINDOW_MS, cfg.RETRY_LIMIT, lmk)
    app = SocketApp(link, channels, dht, store, boot, wiring,
                    lambda mac: save_paired(cfg.PAIRED_FILE, mac), machine.RTC())
    app.start()
    return app


def main():
    build().run()
