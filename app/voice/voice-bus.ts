/**
 * The seam between voice mode (in the composer) and the answers' Read aloud (in each message): voice
 * mode says a question it sent is waiting for its answer; the next answer to appear takes that and
 * reads itself aloud as it streams. Whatever is being read registers its stop, so a barge-in (or
 * another Read aloud) stops it. Plain module state: only one page with one composer is open at a time.
 */
type Listener = () => void;

let expectingSince: number | undefined;
let stopCurrent: (() => void) | undefined;
const listeners = new Set<Listener>();

export const voiceBus = {
  /** Voice mode sent a question: the answer that mounts from now on is read aloud automatically. */
  expectAnswer() {
    expectingSince = performance.now();
  },
  /** An answer that mounted at `mountedAt` takes the pending read, once. */
  claim(mountedAt: number): boolean {
    if (expectingSince === undefined || mountedAt < expectingSince) return false;
    expectingSince = undefined;
    return true;
  },
  cancelExpectation() {
    expectingSince = undefined;
  },
  /** What is read now; the previous reading is stopped first, so two answers never talk at once. */
  reading(stop: () => void) {
    const previous = stopCurrent;
    stopCurrent = stop;
    if (previous && previous !== stop) previous();
    for (const listener of listeners) listener();
  },
  readingEnded(stop: () => void) {
    if (stopCurrent !== stop) return;
    stopCurrent = undefined;
    for (const listener of listeners) listener();
  },
  isReading: () => stopCurrent !== undefined,
  stopReading() {
    stopCurrent?.();
  },
  /** Told when reading starts or ends (voice mode's status). */
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
