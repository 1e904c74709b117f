/**
 * The wire protocol (docs/protocol.md): pure codecs, both directions side by
 * side. No streams, timers, logging or config here.
 */
export { ProtocolError, type ProtocolErrorCode } from './protocol-error.ts';
export { decodeLine, encodeLine, MAX_LINE_BYTES, type Frame } from './line.ts';
export {
  decodeMessage, encodeMessage, record, type Message, type MessageDraft, type MessageRecord, type RecordDraft,
} from './message.ts';
export { decodeInterpreted, interpret, kindName, type ChannelValues, type InterpretedMessage, type MessageValues, type MessageView } from './interpret.ts';
export {
  encodeBrokerEvent, encodeTime, encodeTx, parseBrokerFrame, parseBrokerLine, parseGatewayFrame, TX_STATUSES,
  type BrokerEvent, type GatewayCommand, type TxStatus,
} from './broker-frames.ts';
export { formatMac, isWireMac, normalizeMac } from './mac.ts';
export {
  CAPABILITY_BITS, FORMAT_RANGE, FORMAT_SIZE, HEADER_BYTES, KIND, MAX_MESSAGE_BYTES, OUTCOME, PROTOCOL_VERSION, RECORD_BY_NAME, RECORD_BY_TYPE,
  RECORDS, STATUS_BITS, type KindName, type RecordName, type RecordSpec, type ValueFormat,
} from './records.ts';
