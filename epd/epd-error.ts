import { GatewayError } from '../src/errors.ts';

/**
 * A panel problem: `EPD_IMAGE_SIZE`, `EPD_BUSY_TIMEOUT`, `EPD_NO_HARDWARE`,
 * `EPD_UNKNOWN_PANEL`, `EPD_NO_PARTIAL` (no partial refresh on this panel, or
 * no base in its RAM). Only a BUSY timeout is worth retrying (a panel that was
 * slow once may answer next time).
 */
export class EpdError extends GatewayError {}
