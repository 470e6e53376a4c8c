import { describe, expect, it } from "vitest";
import { ERRORS } from "../../contract/errors";
import { bindingError } from "../test/recorded-ai";
import { WorkersAiRunError } from "../ai/rest-binding";
import { toAppError } from "./errors";

// Every Workers AI code the app knows, through both transports' error shapes, to one HTTP status,
// one retry policy and one sentence for the person.
const CASES = [
  [3003, "bad_request", 400, false],
  [5004, "bad_request", 400, false],
  [3006, "too_large", 413, false],
  [3007, "timeout", 504, true],
  [3036, "daily_allocation", 429, false],
  [4006, "daily_allocation", 429, false],
  [3040, "capacity", 503, true],
  [5007, "unknown_model", 400, false],
  [5016, "model_agreement", 403, false],
  [5021, "context_window", 400, false],
  [31337, "upstream", 502, true],
] as const;

describe("the error module", () => {
  it.each(CASES)("maps Workers AI %i to %s (HTTP %i, retry %s) from the binding and from REST", (code, ours, status, retry) => {
    for (const error of [bindingError(code, "upstream words"), new WorkersAiRunError(code, "upstream words", 400)]) {
      const mapped = toAppError(error);
      expect(mapped.code).toBe(ours);
      expect(mapped.status).toBe(status);
      expect(ERRORS[mapped.code].retry).toBe(retry);
      expect(mapped.message.length).toBeGreaterThan(20);
      expect(mapped.message).not.toMatch(/AiError|undefined/);
    }
  });

  it("maps transport failures: unreachable, refused credentials, 429 and 5xx without a code", () => {
    expect(toAppError(new WorkersAiRunError(undefined, "could not reach 127.0.0.1:8788: fetch failed")).code).toBe("upstream_unreachable");
    expect(toAppError(new WorkersAiRunError(undefined, "HTTP 401: no", 401)).code).toBe("upstream_auth");
    expect(toAppError(new WorkersAiRunError(undefined, "HTTP 429: slow down", 429)).code).toBe("rate_limited");
    expect(toAppError(new WorkersAiRunError(undefined, "HTTP 503: busy", 503)).code).toBe("upstream");
    expect(ERRORS.upstream_unreachable.retry && ERRORS.rate_limited.retry && ERRORS.upstream.retry).toBe(true);
    expect(ERRORS.upstream_auth.retry).toBe(false);
  });

  it("finds the code under the AI SDK's wrappers (RetryError.lastError, APICallError.cause)", () => {
    const wrapped = {
      name: "AI_RetryError",
      message: "Failed after 3 attempts",
      lastError: { name: "AI_APICallError", message: "x", cause: bindingError(3040, "busy") },
    };
    expect(toAppError(wrapped).code).toBe("capacity");
  });
});
