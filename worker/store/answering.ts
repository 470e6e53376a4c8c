/**
 * A question is marked as being answered when its history is saved, and unmarked when the answer is
 * saved. A page opened in between (a reload right after Stop, a second tab) learns that an answer
 * is still on its way and waits for it instead of showing the question unanswered.
 *
 * Every stream saves its answer however it ends, so only a Worker that died mid-answer leaves the
 * mark behind; the lease keeps a page from waiting on that forever.
 */
export const ANSWER_LEASE_MS = 10 * 60_000;

export function isAnswering(since: number | null | undefined, now: number): boolean {
  return since != null && now - since < ANSWER_LEASE_MS;
}
