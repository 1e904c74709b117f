import type { ReadingEvent } from '../../bus/events.ts';
import type { CommandView } from '../../commands/types.ts';
import { formatMac } from '../../protocol/mac.ts';

/** A command as the API shows it: the MAC as `aa:bb:cc:dd:ee:ff`, like every node. Pure. */
export const commandToApi = (command: CommandView): CommandView => ({ ...command, mac: formatMac(command.mac) });

/** A reading event as the event stream sends it: the MAC as `aa:bb:cc:dd:ee:ff`. Pure. */
export const readingToApi = (reading: ReadingEvent): ReadingEvent => ({ ...reading, mac: formatMac(reading.mac) });
