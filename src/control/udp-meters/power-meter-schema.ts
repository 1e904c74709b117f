import protobuf from 'protobufjs';

/**
 * docs/power-meter.proto as protobufjs JSON (`Root.toJSON()` of the parsed
 * file), so the gateway needs no file at run time.
 * test/control/metrics/power-meter-proto.test.ts parses the .proto and checks
 * that it gives exactly this; change both together.
 */
export const POWER_METER_SCHEMA = {
  nested: {
    espnow: {
      nested: {
        meter: {
          nested: {
            v1: {
              nested: {
                PowerMeterReport: {
                  oneofs: { _rssiDbm: { oneof: ['rssiDbm'] }, _intervalS: { oneof: ['intervalS'] } },
                  fields: {
                    mac: { type: 'bytes', id: 1 },
                    boot: { type: 'uint32', id: 2 },
                    seq: { type: 'uint32', id: 3 },
                    rssiDbm: { type: 'sint32', id: 4, protoName: 'rssi_dbm', options: { proto3_optional: true } },
                    intervalS: { type: 'uint32', id: 5, protoName: 'interval_s', options: { proto3_optional: true } },
                    channels: { rule: 'repeated', type: 'ChannelReading', id: 6 },
                  },
                },
                ChannelReading: {
                  oneofs: {
                    _voltageV: { oneof: ['voltageV'] }, _currentA: { oneof: ['currentA'] }, _powerW: { oneof: ['powerW'] },
                    _energyWh: { oneof: ['energyWh'] }, _relay: { oneof: ['relay'] },
                  },
                  fields: {
                    channel: { type: 'uint32', id: 1 },
                    voltageV: { type: 'float', id: 2, protoName: 'voltage_v', options: { proto3_optional: true } },
                    currentA: { type: 'float', id: 3, protoName: 'current_a', options: { proto3_optional: true } },
                    powerW: { type: 'float', id: 4, protoName: 'power_w', options: { proto3_optional: true } },
                    energyWh: { type: 'uint32', id: 5, protoName: 'energy_wh', options: { proto3_optional: true } },
                    relay: { type: 'bool', id: 6, options: { proto3_optional: true } },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;

/** Full name of the datagram's message type. */
export const REPORT_TYPE = 'espnow.meter.v1.PowerMeterReport';

/** One channel of a datagram; a field is present only when the meter set it. */
export interface ChannelReading {
  readonly channel: number;
  /** V */ readonly voltageV?: number;
  /** A */ readonly currentA?: number;
  /** W */ readonly powerW?: number;
  /** Wh */ readonly energyWh?: number;
  readonly relay?: boolean;
}

/** One decoded datagram (docs/power-meter.proto). */
export interface PowerMeterReport {
  /** Should be 6 bytes; checked by meterReportToMessage. */
  readonly mac: Uint8Array;
  readonly boot: number;
  readonly seq: number;
  /** dBm */ readonly rssiDbm?: number;
  /** s */ readonly intervalS?: number;
  readonly channels: readonly ChannelReading[];
}

/** The message type, built once from {@link POWER_METER_SCHEMA}. */
export const reportType: protobuf.Type = protobuf.Root.fromJSON(POWER_METER_SCHEMA as unknown as protobuf.INamespace).lookupType(REPORT_TYPE);

/**
 * Decodes one datagram. Fields the meter did not set are absent (proto3
 * `optional`); unknown fields are skipped, as protobuf requires. Throws
 * protobufjs' error on bytes that are not this message (truncated, wrong
 * wire types).
 */
export function decodeReport(bytes: Uint8Array): PowerMeterReport {
  const message = reportType.decode(bytes);
  const object = reportType.toObject(message, { defaults: true, arrays: true }) as PowerMeterReport;
  return object;
}

/** Encodes a report (meters in tests and the demo; a real meter uses its own protobuf library). */
export function encodeReport(report: PowerMeterReport): Uint8Array {
  return reportType.encode(reportType.fromObject(report as unknown as Record<string, unknown>)).finish();
}
