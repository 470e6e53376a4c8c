import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ConversationDetail } from "../../contract/api";
import { finalMetadata, newConversationId, readUiStream, TestClient, userMessage } from "../test/client";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";

afterEach(() => vi.restoreAllMocks());

// Each upstream chunk waits PACE_MS before it arrives, so the measured times have known lower
// bounds; nothing here asserts an upper bound (that would depend on the machine's speed).
const PACE_MS = 30;

async function answer(chunks: string[]) {
  vi.spyOn(env.AI, "run").mockImplementation(recordedRun(() => sseStream(chunks, { delayMs: PACE_MS })).run as never);
  const client = new TestClient();
  const id = newConversationId();
  const stream = await readUiStream(await client.chat({ id, messages: [userMessage("time me")] }));
  const stored = (await (await client.fetch(`/api/conversations/${id}`)).json()) as ConversationDetail;
  return { live: finalMetadata(stream)!, saved: stored.messages.at(-1)!.metadata! };
}

describe("answer timing", () => {
  it("records time to first token and the answer's duration, live and saved", async () => {
    // Three text chunks, then the usage chunk and [DONE]: each waits PACE_MS.
    const { live, saved } = await answer(legacyChunks(["one", " two", " three"]));
    expect(saved.firstTokenMs).toBeGreaterThanOrEqual(PACE_MS);
    expect(saved.durationMs).toBeGreaterThanOrEqual(saved.firstTokenMs! + 3 * PACE_MS);
    expect(Number.isInteger(saved.firstTokenMs) && Number.isInteger(saved.durationMs)).toBe(true);
    // The stream's last metadata (sent just before its finish) carries them too, so the footer shows them before any reload.
    expect(live.firstTokenMs).toBe(saved.firstTokenMs);
    expect(live.durationMs).toBeGreaterThanOrEqual(live.firstTokenMs + 3 * PACE_MS);
  });

  it("an answer with no text has a duration but no first token", async () => {
    const { saved } = await answer(legacyChunks([]));
    expect(saved.firstTokenMs).toBeUndefined();
    expect(saved.durationMs).toBeGreaterThanOrEqual(PACE_MS);
  });
});
