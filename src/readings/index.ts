/** From accepted radio messages and heartbeats to InfluxDB points. */
export { heartbeatToPoint, messageToPoints, type Heartbeat, type HeartbeatContext, type MessageContext } from './to-points.ts';
export { Stamper } from './stamper.ts';
