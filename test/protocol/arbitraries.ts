import fc from 'fast-check';
import { FORMAT_RANGE, RECORDS, type RecordDraft } from '../../src/protocol/index.ts';

/** A known record with a value in its range. */
export const knownRecord: fc.Arbitrary<RecordDraft & { raw: number | string }> = fc.oneof(
  ...RECORDS.map((spec) => {
    if (spec.format === 'utf8') {
      const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 })
        .filter((s) => Buffer.byteLength(s) >= 1 && Buffer.byteLength(s) <= 32);
      return text.map((raw) => ({ type: spec.type, raw }));
    }
    const [min, max] = FORMAT_RANGE[spec.format];
    return fc.integer({ min, max }).map((raw) => ({ type: spec.type, raw }));
  }),
);

/** A message draft of known records that fits in 250 bytes. */
export const messageDraft = fc.record({
  kind: fc.integer({ min: 0, max: 255 }),
  boot: fc.integer({ min: 0, max: 0xffff }),
  seq: fc.integer({ min: 0, max: 0xffff }),
  records: fc.array(knownRecord, { maxLength: 20 }),
});

/** A field that may go on a line. */
export const lineField = fc.string({ maxLength: 20 }).filter((s) => !/[,*\r\n]/.test(s));
/** A line tag. */
export const tag = fc.stringMatching(/^[A-Z]{1,6}$/);
/** 12 lower-case hex digits. */
export const wireMac = fc.stringMatching(/^[0-9a-f]{12}$/);
