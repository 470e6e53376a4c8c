import { type Context, Hono } from "hono";
import type { UsageReport } from "../../contract/api";
import { AppError } from "../../contract/errors";
import { type DeploymentUsage, type MyUsage, personOverrideSchema, spenderKeySchema } from "../../contract/usage";
import type { AppEnv } from "../http/app-types";
import { isNewVisitor } from "../http/new-visitor";
import { parseWith, readJson } from "../http/validate";
import { unspentBudgetStatus, usageReport } from "../spend/spend";
import { deploymentUsage, myUsage, setPersonOverride } from "../spend/usage-views";

/** The owner's routes name every person and change their budgets: refused to anyone else. */
function ownerOnly(c: Context<AppEnv>): void {
  if (!c.var.person.owner) throw new AppError("owner_only", "Only the owner of this deployment can see its usage.");
}

/**
 * GET /api/usage: what the deployment spent, today and over the last 30 days, overall, per account
 * and for all guests together (owner only). GET /mine: the caller's own chart, anyone's. GET /people
 * and PUT /people/:key: the owner's chart of the deployment, its people and their budgets or blocks.
 */
export const usage = new Hono<AppEnv>()
  .get("/", async (c) => {
    ownerOnly(c);
    return c.json((await usageReport(c.env)) satisfies UsageReport);
  })
  .get("/mine", async (c) => {
    // A visitor with no session yet has spent nothing: answered without waking a ledger.
    if (isNewVisitor(c)) {
      const status = unspentBudgetStatus(c.env, c.var.person);
      const empty: MyUsage = {
        days: [],
        today: {
          limit: status.limit,
          used: 0,
          left: status.limit > 0 ? status.limit : null,
          blocked: false,
          resetsInSeconds: status.resetsInSeconds,
        },
      };
      return c.json(empty);
    }
    return c.json((await myUsage(c.env, { userId: c.var.userId, person: c.var.person })) satisfies MyUsage);
  })
  .get("/people", async (c) => {
    ownerOnly(c);
    return c.json((await deploymentUsage(c.env)) satisfies DeploymentUsage);
  })
  .put("/people/:key", async (c) => {
    ownerOnly(c);
    const key = parseWith(spenderKeySchema, c.req.param("key"));
    const override = await readJson(c, personOverrideSchema, 1_000);
    await setPersonOverride(c.env, key, override);
    return c.json({ key, override });
  });
