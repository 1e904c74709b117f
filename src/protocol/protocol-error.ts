import { GatewayError } from '../errors.ts';

/**
 * Codes of {@link ProtocolError}, one per way a frame or a message can be bad,
 * so the serial stage can count each separately.
 */
export type ProtocolErrorCode =
  /** A line that is not `TAG,fields*crc` (console text, banner, traceback). */
  | 'NOT_A_FRAME'
  /** A well-formed frame whose CRC-32 does not match its bytes. */
  | 'BAD_CRC'
  /** A line over {@link MAX_LINE_BYTES}, or a message over 250 bytes. */
  | 'TOO_LONG'
  /** A field or tag that cannot be put on a line (`,` `*` CR LF, bad tag). */
  | 'BAD_FIELD'
  /** A radio message shorter than its 6-byte header. */
  | 'SHORT_HEADER'
  /** A radio message whose version byte is not 1. */
  | 'BAD_VERSION'
  /** A record whose length runs past the end of the message. */
  | 'TRUNCATED_RECORD'
  /** A value that does not fit its record type (encoder side). */
  | 'BAD_VALUE'
  /** A line tag this side does not know. */
  | 'UNKNOWN_TAG'
  /** A known tag with the wrong number of fields. */
  | 'BAD_FIELD_COUNT'
  /** A field of a known line that does not parse (MAC, number, hex payload). */
  | 'BAD_FIELD_FORMAT'
  /** Text that is not a MAC address. */
  | 'BAD_MAC';

/** A line or radio message that does not follow the protocol. Never retryable. */
export class ProtocolError extends GatewayError {
  declare readonly code: ProtocolErrorCode;

  constructor(code: ProtocolErrorCode, message: string) {
    super(code, message, { retryable: false });
  }
}
