/**
 * A socket node with the broker on the simulated air, shared by the socket
 * tests: two outlets metered by INA219s on I2C bus 0 (SCL 22, SDA 21),
 * relays on GPIO 16 and 17, a DHT22 on GPIO 4.
 */
import { FirmwareRig, type SocketWiring } from './harness.ts';
import { uartEvents, type RxReading } from './uart-events.ts';

export const BROKER = 'a0b1c2d3e4f5';
export const SOCKET = 'a2b2c2d2e2a1';

/** Two INA219 outlets (100 mohm shunts, 3.2 A range), GPIO relays, a DHT22. */
export const INA_WIRING: SocketWiring = {
  i2c: [{ scl: 22, sda: 21 }],
  dht: { pin: 4, type: 'dht22' },
  channels: [
    { relay: { pin: 16 }, meter: { type: 'ina219', bus: 0, addr: 0x40, shunt_mohm: 100, max_ma: 3200 } },
    { relay: { pin: 17 }, meter: { type: 'ina219', bus: 0, addr: 0x41, shunt_mohm: 100, max_ma: 3200 } },
  ],
};

/**
 * A world with the broker and one socket node (not booted), DHT at 21.5 degC / 50 %RH;
 * with `socket` false the test adds the socket itself (before setting the DHT).
 */
export async function socketWorld(wiring: SocketWiring = INA_WIRING, seed = 9, broker = true, socket = true): Promise<FirmwareRig> {
  const rig = await FirmwareRig.create(seed);
  if (broker) rig.addBroker('broker', BROKER);
  if (!socket) return rig;
  rig.addSocket('s1', SOCKET, wiring, { broker: BROKER, channel: 1 });
  setDht(rig, 21.5, 50);
  return rig;
}

/** The DHT22's temperature (degC) and humidity (%RH); null makes it stop answering. */
export function setDht(rig: FirmwareRig, degC: number | null, rh = 0): void {
  rig.py(`rig.W.devices["s1"].dht = {4: ${degC === null ? 'None' : `(${degC}, ${rh})`}}`);
}

/** Every RX the broker printed for the socket, decoded by the gateway's TypeScript codec. */
export function socketRx(rig: FirmwareRig): RxReading[] {
  return uartEvents(rig.uartText('broker')).rx.filter((r) => r.mac === SOCKET);
}
