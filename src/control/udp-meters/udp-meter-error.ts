import { GatewayError } from '../../errors.ts';
import type { UdpInvalidReason } from '../metrics/metrics-snapshot.ts';

/**
 * A UDP power-meter datagram the gateway refuses: `reason` is the label of
 * `espnow_udp_datagrams_invalid_total`, the message names the field
 * (`channels[1].voltage_v: 700 V is outside 0..655.35 V`). Never retryable:
 * the same bytes fail the same way.
 */
export class UdpMeterError extends GatewayError {
  readonly reason: UdpInvalidReason;

  constructor(reason: UdpInvalidReason, message: string) {
    super(`UDP_METER_${reason.toUpperCase()}`, message);
    this.reason = reason;
  }
}
