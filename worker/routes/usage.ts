import { Hono } from "hono";
import type { UsageReport } from "../../contract/api";
import { AppError } from "../../contract/errors";
import type { AppEnv } from "../http/app-types";
import { usageReport } from "../spend/spend";

/**
 * GET /api/usage: what the deployment spent, today and over the last 30 days, overall, per account
 * and for all guests together. Only the owner sees it: it names every account.
 */
export const usage = new Hono<AppEnv>().get("/", async (c) => {
  if (!c.var.person.owner) throw new AppError("owner_only", "Only the owner of this deployment can see its usage.");
  return c.json((await usageReport(c.env)) satisfies UsageReport);
});
