import { createRequire } from 'node:module';
import type { PortBinding } from '../serial/open-port.ts';

/** The part of a mock port the demo drives: bytes in as if from the broker, bytes the gateway wrote. */
export interface MockPort {
  readonly isOpen: boolean;
  /** Everything the gateway wrote since the port was opened. */
  readonly recording: Buffer;
  /** Delivers bytes to the reader as if the broker had sent them. */
  emitData(data: Buffer | string): void;
}

interface MockBindingApi {
  reset(): void;
  createPort(path: string, options: { echo?: boolean; record?: boolean }): void;
}

// serialport's own mock binding (@serialport/binding-mock). Loaded through
// require: its ESM entry has no types under NodeNext resolution.
const require = createRequire(import.meta.url);

/** A binding with no hardware: ports exist after `createPort(path)`. */
export const MockBinding = (require('@serialport/binding-mock') as { MockBinding: MockBindingApi & PortBinding }).MockBinding;
