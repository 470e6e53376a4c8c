import { randomBytes } from "node:crypto";
import { commandOf, describeStep, type Step } from "./plan";
import { mustRunWrangler } from "./wrangler";

/**
 * Creates what the plan says is missing, in order; the first failure stops the deploy. A generated
 * secret goes to `wrangler secret put` on its stdin only: it is never printed, logged or written to disk
 * (nobody needs to know SESSION_SECRET; replacing it signs everyone out, nothing more).
 */
export async function provision(steps: Step[], log: (line: string) => void): Promise<void> {
  for (const step of steps) {
    log(`Creating ${describeStep(step)}…`);
    const input = step.kind === "secret" ? randomBytes(32).toString("base64url") : undefined;
    await mustRunWrangler(commandOf(step), { input });
  }
}
