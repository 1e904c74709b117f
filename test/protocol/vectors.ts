import { readFileSync } from 'node:fs';

/** Shape of test/fixtures/protocol-vectors.json (shared with the MicroPython tests). */
export interface MessageVector {
  name: string;
  hex: string;
  version?: number;
  kind?: number;
  boot?: number;
  seq?: number;
  records?: Array<{ type: number; name: string; raw: number | string }>;
  unknownRecords?: number;
  invalidRecords?: number;
  invalid?: boolean;
  error?: string;
}

export interface LineVector {
  name: string;
  line: string;
  frame: boolean;
  tag?: string;
  fields?: string[];
  error?: string;
  event?: Record<string, unknown>;
  command?: Record<string, unknown>;
  brokerError?: string;
}

export const vectors = JSON.parse(
  readFileSync(new URL('../fixtures/protocol-vectors.json', import.meta.url), 'utf8'),
) as { messages: MessageVector[]; lines: LineVector[] };
