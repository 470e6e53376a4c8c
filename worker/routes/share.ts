import { Hono } from "hono";
import { AppError } from "../../contract/errors";
import { SHARE_LIMITS, shareTokenSchema } from "../../contract/share-api";
import type { AppEnv } from "../http/app-types";
import { rateLimit } from "../http/rate-limit";
import { idParam } from "../http/validate";
import { snapshotOf } from "../share/snapshot";
import { sharesStore } from "../share/stub";
import { userStore } from "../store/stub";

/**
 * The owner's side of share links (mounted under /api, behind identity). Sharing again re-snapshots
 * the same link ("Update link"); only the person who made a link can see or revoke it.
 */
export const share = new Hono<AppEnv>()
  // Each call writes up to a megabyte to the shared store: limited like the generating routes.
  .post("/conversations/:id/share", rateLimit, async (c) => {
    const store = userStore(c);
    const detail = await store.getConversation(idParam(c.req.param("id"), "conversation"));
    if (!detail) throw new AppError("not_found", "That conversation does not exist.");
    // A snapshot taken mid-answer would share half an answer.
    if (await store.isAnswering("chat", detail.conversation.id)) throw new AppError("share_busy");
    const snapshot = JSON.stringify(snapshotOf(detail, Date.now()));
    const bytes = new TextEncoder().encode(snapshot).length;
    if (bytes > SHARE_LIMITS.maxSnapshotBytes) {
      throw new AppError(
        "too_large",
        `This conversation is too long to share (a link holds at most ${SHARE_LIMITS.maxSnapshotBytes / 1_000_000} MB of text).`,
      );
    }
    // Counted in the person's byte budget before it is written (refused there when it does not fit).
    await store.holdShareBytes(detail.conversation.id, bytes);
    const result = await sharesStore(c.env).share(
      c.var.userId,
      detail.conversation.id,
      detail.conversation.title,
      snapshot,
      SHARE_LIMITS.maxLinksPerPerson,
    );
    if (result === "limit") {
      await store.releaseShare({ conversationId: detail.conversation.id });
      throw new AppError("share_limit");
    }
    await store.shareSaved(detail.conversation.id, result.link.token);
    return c.json({ share: result.link }, result.created ? 201 : 200);
  })
  .get("/shares", async (c) => c.json({ shares: await sharesStore(c.env).list(c.var.userId) }))
  .delete("/shares/:token", async (c) => {
    const token = shareTokenSchema.safeParse(c.req.param("token"));
    const revoked = token.success && (await sharesStore(c.env).revoke(c.var.userId, token.data));
    if (!revoked) throw new AppError("not_found", "That link does not exist, or it is not yours.");
    await userStore(c).releaseShare({ token: token.data });
    return c.body(null, 204);
  });
