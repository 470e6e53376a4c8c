import { Hono } from "hono";
import { AppError } from "../contract/errors";
import type { AppEnv } from "./http/app-types";
import { errorResponse, toAppError } from "./http/errors";
import { identity } from "./http/identity";
import { randomId } from "./http/ids";
import { log, withRequestId } from "./http/log";
import { rateLimit } from "./http/rate-limit";
import { spendGuard } from "./http/spend-guard";
import { sameOrigin, securityHeaders } from "./http/security";
import { chat } from "./routes/chat";
import { conversations } from "./routes/conversations";
import { images } from "./routes/images";
import { status } from "./routes/status";
import { vision } from "./routes/vision";

export { UserStore } from "./store/user-store";

const app = new Hono<AppEnv>();

app.use("*", async (c, next) => {
  const id = c.req.header("cf-ray") ?? randomId();
  await withRequestId(id, next);
  c.header("x-request-id", id);
});
app.use("/api/*", securityHeaders, sameOrigin, identity((env) => env.SESSION_SECRET));

// Routes that call a model are limited per user and IP. Images are also refused here once the day's
// budget is spent; chat and vision answers check it in the person's Durable Object, with the turn
// (one round trip). Uploads call no model but fill storage: limited too.
app.post("/api/images", spendGuard);
for (const path of ["/api/chat", "/api/chat/:id/continue", "/api/vision", "/api/vision/threads/:id/continue", "/api/vision/images"]) app.post(path, rateLimit);

app.route("/api/chat", chat);
app.route("/api/conversations", conversations);
app.route("/api/images", images);
app.route("/api/status", status);
app.route("/api/vision", vision);

app.notFound((c) => errorResponse(c, new AppError("not_found", `No API route ${c.req.method} ${new URL(c.req.url).pathname}.`)));
app.onError((error, c) => {
  const appError = toAppError(error);
  log("request.error", { path: new URL(c.req.url).pathname, code: appError.code, status: appError.status, ...(appError.code === "internal" ? { detail: String(error) } : {}) });
  return errorResponse(c, appError);
});

export default app;
