/**
 * The gateway's event stream (GET /api/events, server-sent events `reading`,
 * `node`, `command`, `sink`), kept open. EventSource retries by itself after
 * a dropped connection; after a refused one (401, 5xx) it gives up, so this
 * opens a new one with a growing delay (1 s doubling to 30 s).
 */

/** First and longest wait before opening a new stream, ms. */
export const RETRY_MIN_MS = 1000;
export const RETRY_MAX_MS = 30_000;

/**
 * @typedef {object} LiveHandlers
 * @property {(name: string, data: unknown) => void} onEvent one parsed event
 * @property {() => void} onOpen connected (again): a good moment to reload the snapshot
 * @property {(state: 'live' | 'reconnecting') => void} onState
 */

/**
 * Opens the stream; returns the function that closes it for good.
 * @param {string} url
 * @param {readonly string[]} names event names to follow
 * @param {LiveHandlers} handlers
 */
export function openLive(url, names, handlers) {
  /** @type {EventSource | undefined} */
  let source;
  let timer;
  let delay = RETRY_MIN_MS;
  let closed = false;

  const connect = () => {
    source = new EventSource(url, { withCredentials: true });
    source.onopen = () => {
      delay = RETRY_MIN_MS;
      handlers.onState('live');
      handlers.onOpen();
    };
    source.onerror = () => {
      handlers.onState('reconnecting');
      if (source?.readyState !== EventSource.CLOSED || closed) return;
      timer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, RETRY_MAX_MS);
    };
    for (const name of names) {
      source.addEventListener(name, (ev) => {
        let data;
        try {
          data = JSON.parse(/** @type {MessageEvent} */ (ev).data);
        } catch {
          return;
        }
        handlers.onEvent(name, data);
      });
    }
  };

  connect();
  return () => {
    closed = true;
    clearTimeout(timer);
    source?.close();
  };
}
