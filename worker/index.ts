import { Hono } from "hono";
import { AppError } from "../contract/errors";
import { account, invites } from "./auth/account-routes";
import { passkeys } from "./auth/passkey-routes";
import { session } from "./auth/session-routes";
import type { AppEnv } from "./http/app-types";
import { errorResponse, toAppError } from "./http/errors";
import { identity } from "./auth/identity";
import { randomId } from "../contract/ids";
import { log, withRequestId } from "./log";
import { drainUnreadBody } from "./http/drain-body";
import { rateLimit } from "./http/rate-limit";
import { sameOrigin, securityHeaders } from "./http/security";
import { chat } from "./routes/chat";
import { compare } from "./routes/compare";
import { conversations } from "./routes/conversations";
import { branches } from "./routes/branches";
import { conversationTitle } from "./routes/conversation-title";
import { documents } from "./routes/documents";
import { images } from "./routes/images";
import { projects } from "./routes/projects";
import { search } from "./routes/search";
import { share } from "./routes/share";
import { shared } from "./routes/shared";
import { status } from "./routes/status";
import { usage } from "./routes/usage";
import { transfer } from "./routes/transfer";
import { vision } from "./routes/vision";
import { keys } from "./keys/routes";
import { connectors } from "./connectors/routes";
import { assistants } from "./routes/assistants";
import { memory } from "./routes/memory";
import { audio } from "./audio/routes";
import { v1 } from "./openai/router";

export { UserStore } from "./store/user-store";
export { SpendLedger } from "./spend/ledger";
export { ApiKeys } from "./keys/api-keys";
export { Accounts } from "./auth/accounts";
export { Shares } from "./share/shares-object";

const app = new Hono<AppEnv>();

app.use("*", drainUnreadBody);

app.use("*", async (c, next) => {
  const id = c.req.header("cf-ray") ?? randomId();
  await withRequestId(id, next);
  c.header("x-request-id", id);
});
// Every response, not only the API's: a 404 or an error page from the Worker is a document too.
app.use("*", securityHeaders);
// A shared link is read by strangers: before identity, so it sets no cookie.
app.route("/api/shared", shared);
app.use("/api/*", sameOrigin, identity());

// Routes that call a model: limited per user and IP here. The daily budgets are not checked here but
// reserved once the call's worst case is known (worker/spend/; chat and vision answers do so in the
// person's Durable Object, with the turn), in one step that also refuses: a check here and a charge
// later would let a parallel burst through.
for (const path of ["/api/chat", "/api/chat/:id/continue", "/api/images", "/api/vision", "/api/vision/threads/:id/continue"])
  app.post(path, rateLimit);
// Dictation and read-aloud call a model per request (the UI asks once per sentence).
app.post("/api/audio/*", rateLimit);
// Uploads call no model but fill storage: limited too.
app.post("/api/vision/images", rateLimit);
// Uploading a document fills storage and starts embedding (model calls).
app.post("/api/documents", rateLimit);

app.route("/api/chat/compare", compare);
app.route("/api/chat", chat);
app.route("/api/conversations", conversations);
app.route("/api/conversations", branches);
app.route("/api/conversations", conversationTitle);
app.route("/api/projects", projects);
app.route("/api/search", search);
app.route("/api/documents", documents);
app.route("/api/images", images);
app.route("/api", share);
app.route("/api", transfer);
app.route("/api/status", status);
app.route("/api/usage", usage);
app.route("/api/vision", vision);
app.route("/api/keys", keys);
app.route("/api/connectors", connectors);
app.route("/api/assistants", assistants);
app.route("/api/memory", memory);
app.route("/api/audio", audio);
// Outside /api/*: API keys only, no identity cookie, no Origin check (see worker/openai/router.ts).
app.route("/v1", v1);
app.route("/api/session", session);
app.route("/api/auth", passkeys);
app.route("/api/account", account);
app.route("/api/invites", invites);

app.notFound((c) => errorResponse(c, new AppError("not_found", `No API route ${c.req.method} ${new URL(c.req.url).pathname}.`)));
app.onError((error, c) => {
  const appError = toAppError(error);
  log("request.error", {
    path: new URL(c.req.url).pathname,
    code: appError.code,
    status: appError.status,
    ...(appError.code === "internal" ? { detail: String(error) } : {}),
  });
  return errorResponse(c, appError);
});

export default app;
