/** Something spent tokens (an answer, an image): the header's budget should be read again. */
const EVENT = "usage-changed";

export function notifyUsageChanged(): void {
  window.dispatchEvent(new Event(EVENT));
}

export function onUsageChanged(listener: () => void): () => void {
  window.addEventListener(EVENT, listener);
  return () => window.removeEventListener(EVENT, listener);
}
