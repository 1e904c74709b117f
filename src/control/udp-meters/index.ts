/**
 * Wi-Fi power meters: protobuf reports over UDP (docs/power-meter.proto),
 * taken in as the REPORT a radio power meter would send.
 *
 * ```ts
 * const meters = new UdpMeterListener({ host, port, log, deliver: (m) => pipeline.acceptMessage(m.mac, m.rssi, m.message) });
 * await meters.start(); ...; meters.counters(); await meters.stop();
 * ```
 */
export { meterReportToMessage, MAX_METER_CHANNELS, type MeterMessage } from './meter-message.ts';
export { decodeReport, encodeReport, POWER_METER_SCHEMA, REPORT_TYPE, type ChannelReading, type PowerMeterReport } from './power-meter-schema.ts';
export { DEFAULT_MAX_DATAGRAM_BYTES } from './udp-meter-defaults.ts';
export { UdpMeterError } from './udp-meter-error.ts';
export { UdpMeterListener, type UdpMeterListenerOptions } from './udp-meter-listener.ts';
