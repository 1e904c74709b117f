/** Larger UDP meter datagrams are refused unread (`too_large`), bytes; `udpMeters.maxDatagramBytes`. A 64-channel report is about 1.7 KiB. */
export const DEFAULT_MAX_DATAGRAM_BYTES = 2048;
