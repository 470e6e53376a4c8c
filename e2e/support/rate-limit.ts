import { expect, type Page } from "@playwright/test";

const WINDOW_MS = 60_000;
/** The limiter allows this many generating requests per user and window (wrangler.jsonc). */
const USER_LIMIT = 30;
/** Time the caller needs, after this returns, to act while the refusal still holds. */
const MARGIN_MS = 8_000;

const windowOf = (ms: number) => Math.floor(ms / WINDOW_MS);

/**
 * Spends this browser's rate-limit allowance with requests the Worker refuses before any model call,
 * and returns only once a request has been refused in the CURRENT window with at least MARGIN_MS of
 * it left. The limiter's windows are aligned to the clock minute, so on a slow machine spending can
 * straddle an edge (the counts then span two windows): that attempt is discarded and spending starts
 * again in the new window. Nothing here depends on how fast the machine is, only on which window
 * each request fell in.
 */
export async function spendRateAllowance(page: Page, path: string, body: unknown, status: number): Promise<void> {
  for (;;) {
    const left = WINDOW_MS - (Date.now() % WINDOW_MS);
    if (left < MARGIN_MS + 2_000) await page.waitForTimeout(left + 250); // a fresh window, not a guess about speed
    const window = windowOf(Date.now());
    let passed = 0;
    let refused = false;
    while (!refused && passed <= USER_LIMIT * 2) {
      const response = await page.request.post(path, { data: body });
      if (response.status() === 429) refused = true;
      else expect(response.status()).toBe(status), passed++;
    }
    const now = Date.now();
    if (refused && windowOf(now) === window && WINDOW_MS - (now % WINDOW_MS) >= MARGIN_MS) {
      // Within one window the limiter is exact: the allowance, then refusals.
      expect(passed).toBeLessThanOrEqual(USER_LIMIT);
      return;
    }
  }
}
