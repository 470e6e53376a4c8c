import type { FullResult, Reporter, TestCase, TestResult } from "@playwright/test/reporter";

/**
 * Prints the hardening suites' totals once all workers are done (a worker restarts after a failure,
 * so counters inside a spec file would lose the earlier tests). Tests report through annotations:
 *   { type: "fault", description: <fault name> }             one injected fault; survived if the test passed
 *   { type: "xss", description: JSON {tried, executed} }     payloads rendered and how many ran
 */
export default class SummaryReporter implements Reporter {
  private faults = { injected: 0, survived: 0 };
  private xss = { tried: 0, executed: 0, failedTests: 0 };

  onTestEnd(test: TestCase, result: TestResult) {
    // A runtime annotation can show up on both the test and the result: count each once.
    const seen = new Set<string>();
    const annotations = [...test.annotations, ...result.annotations].filter((a) => {
      const key = `${a.type}\0${a.description}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
    const last = result.retry === test.retries || result.status === "passed";
    if (!last) return;
    for (const a of annotations) {
      if (a.type === "fault") {
        this.faults.injected++;
        if (result.status === "passed") this.faults.survived++;
      }
      if (a.type === "xss" && a.description) {
        const { tried, executed } = JSON.parse(a.description) as { tried: number; executed: number };
        this.xss.tried += tried;
        this.xss.executed += executed;
      }
    }
    if (test.location.file.endsWith("xss.spec.ts") && result.status !== "passed") this.xss.failedTests++;
  }

  onEnd(_result: FullResult) {
    if (this.faults.injected) console.log(`faults injected: ${this.faults.injected}, survived: ${this.faults.survived}`);
    if (this.xss.tried || this.xss.failedTests) {
      console.log(
        `XSS payloads tried: ${this.xss.tried}, executed: ${this.xss.executed}${this.xss.failedTests ? ` (${this.xss.failedTests} XSS test(s) failed)` : ""}`,
      );
    }
  }
}
