import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CHAT_IMAGE_LIMITS, chatImageUrl } from "../../contract/chat-images";
import { ERRORS } from "../../contract/errors";
import { findChatModel } from "../../contract/models";
import { tokenCost } from "../../contract/pricing";
import { LICENCE_ACCEPTED_NOTE } from "../../contract/vision-api";
import { IMAGE_NOT_RESENT } from "../ai/chat-images";
import { IMAGE_INPUT_TOKENS } from "../spend/answer-cost";
import { uploadTtlHours } from "../store/vision/upload-expiry";
import { finalMetadata, newConversationId, readUiStream, TestClient, textOf } from "../test/client";
import { licencePromptError, licenceOnceThen, legacyChunks, recordedRun, sseStream, type RecordedCall } from "../test/recorded-ai";
import { storeOf } from "../test/store-of";
import { pngHeader, TINY_PNG } from "../test/vision-images";

/**
 * Images in chat. The model is a TEST DOUBLE of the AI binding (worker/test/recorded-ai.ts) that
 * records every call, so each test sees exactly what workers-ai-provider sent for the image.
 */

const SCOUT = "@cf/meta/llama-4-scout-17b-16e-instruct"; // sees images
const LLAMA_VISION = "@cf/meta/llama-3.2-11b-vision-instruct"; // sees images, licence first
const GLM = "@cf/zai-org/glm-4.7-flash"; // text only
const TINY_PNG_URI = `data:image/png;base64,${btoa(String.fromCharCode(...TINY_PNG))}`;
const HOUR = 60 * 60 * 1000;

function useAi(answer: Parameters<typeof recordedRun>[0]) {
  const fake = recordedRun(answer);
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  return fake;
}

async function upload(client: TestClient, bytes: Uint8Array = TINY_PNG): Promise<string> {
  const response = await client.fetch("/api/vision/images", {
    method: "POST",
    headers: { "content-type": "application/octet-stream" },
    body: bytes,
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

function withImages(text: string, imageIds: string[], id = crypto.randomUUID()) {
  return {
    id,
    role: "user",
    parts: [{ type: "text", text }, ...imageIds.map((image) => ({ type: "file", mediaType: "image/png", url: chatImageUrl(image) }))],
  };
}

function send(client: TestClient, id: string, messages: unknown[], model = SCOUT, extra: Record<string, unknown> = {}) {
  return client.chat({ id, messages, model, trigger: "submit-message", ...extra });
}

/** The image data URIs in each user message the model was sent. */
function imagesPerUserTurn(call: RecordedCall): string[][] {
  return (call.inputs.messages as any[])
    .filter((m) => m.role === "user")
    .map((m) => (Array.isArray(m.content) ? m.content.filter((p: any) => p.type === "image_url").map((p: any) => p.image_url.url) : []));
}

/** The text of each user message the model was sent (workers-ai-provider joins a message's text parts with newlines). */
function userTexts(call: RecordedCall): string[] {
  return (call.inputs.messages as any[])
    .filter((m) => m.role === "user")
    .map((m) =>
      Array.isArray(m.content)
        ? m.content
            .filter((p: any) => p.type === "text")
            .map((p: any) => p.text)
            .join("\n")
        : m.content,
    );
}

async function storedConversation(client: TestClient, id: string) {
  const response = await client.fetch(`/api/conversations/${id}`);
  return { status: response.status, body: response.status === 200 ? ((await response.json()) as { messages: any[] }) : undefined };
}

async function objectsOf(imageId: string): Promise<string[]> {
  const keys = await Promise.all(
    ["uploads/", "pending-uploads/"].map(async (prefix) => (await env.MEDIA.list({ prefix })).objects.map((o) => o.key)),
  );
  return keys.flat().filter((key) => key.endsWith(`/${imageId}`));
}

afterEach(() => vi.restoreAllMocks());

describe("POST /api/chat with an image", () => {
  it("sends the stored image to a model that sees images, saves the message with it, and keeps the upload", async () => {
    const fake = useAi(() => sseStream(legacyChunks(["A red ", "dot."])));
    const client = new TestClient();
    const imageId = await upload(client);
    expect(await objectsOf(imageId)).toEqual([expect.stringMatching(/^pending-uploads\//)]);
    const id = newConversationId();

    const chunks = await readUiStream(await send(client, id, [withImages("What is in this picture?", [imageId])]));

    expect(textOf(chunks)).toBe("A red dot.");
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0].model).toBe(SCOUT);
    expect(imagesPerUserTurn(fake.calls[0])).toEqual([[TINY_PNG_URI]]);
    expect(userTexts(fake.calls[0])).toEqual(["What is in this picture?"]);
    const stored = await storedConversation(client, id);
    expect(stored.body!.messages[0].parts).toContainEqual({ type: "file", mediaType: "image/png", url: chatImageUrl(imageId) });
    // Sent: out of the prefix that expires.
    expect(await objectsOf(imageId)).toEqual([expect.stringMatching(/^uploads\//)]);
  });

  it("sends the image again with a follow-up, and only the latest few images of a long conversation", async () => {
    const fake = useAi(() => sseStream(legacyChunks(["ok"])));
    const client = new TestClient();
    const id = newConversationId();
    const first = [withImages("One", [await upload(client)])];
    const firstAnswer = await readUiStream(await send(client, id, first));
    expect(textOf(firstAnswer)).toBe("ok");
    const history = (await storedConversation(client, id)).body!.messages;
    const manyIds = await Promise.all(Array.from({ length: CHAT_IMAGE_LIMITS.sentToModel }, () => upload(client)));
    await readUiStream(await send(client, id, [...history, withImages("Now these", manyIds)]));

    const perTurn = imagesPerUserTurn(fake.calls[1]);
    expect(perTurn[0]).toEqual([]); // the first image is older than the latest four
    expect(perTurn[1]).toHaveLength(CHAT_IMAGE_LIMITS.sentToModel);
    expect(userTexts(fake.calls[1])[0]).toBe(`One\n${IMAGE_NOT_RESENT}`);
  });

  it("reserves each sent image like the vision page prices it: refused before anything is saved when it cannot fit", async () => {
    const spy = vi.spyOn(env.AI, "run");
    const client = new TestClient();
    const model = "@cf/moonshotai/kimi-k2.7-code";
    const ids: string[] = [];
    // One after another: a fresh client's first write makes its guest, so parallel first uploads would make several.
    for (let i = 0; i < CHAT_IMAGE_LIMITS.perMessage; i++) ids.push(await upload(client));
    // Four images' input tokens at this model's price, with 1 output token, are more than a guest's day; a text question is not.
    expect(tokenCost(findChatModel(model)!.price, ids.length * IMAGE_INPUT_TOKENS, 1)).toBeGreaterThan(Number(env.GUEST_DAILY_NEURONS));
    expect(tokenCost(findChatModel(model)!.price, 100, 1)).toBeLessThan(Number(env.GUEST_DAILY_NEURONS));
    const id = newConversationId();
    const response = await send(client, id, [withImages("Compare these", ids)], model, { maxTokens: 1 });
    expect(response.status).toBe(429);
    expect(((await response.json()) as any).error.code).toBe("budget_exhausted");
    expect(spy).not.toHaveBeenCalled();
    expect((await storedConversation(client, id)).status).toBe(404);
  });

  it("refuses an image for a model that cannot see images, with a clear 400, before saving or calling anything", async () => {
    const spy = vi.spyOn(env.AI, "run");
    const client = new TestClient();
    const id = newConversationId();
    const response = await send(client, id, [withImages("What is this?", [await upload(client)])], GLM);
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error).toEqual({
      code: "cannot_see_images",
      message: expect.stringMatching(/^GLM 4\.7 Flash cannot see images\. Pick a model labelled "sees images"/),
    });
    expect(spy).not.toHaveBeenCalled();
    expect((await storedConversation(client, id)).status).toBe(404);
  });

  it("goes on without the images when a text-only model is picked later in the conversation", async () => {
    const fake = useAi(() => sseStream(legacyChunks(["ok"])));
    const client = new TestClient();
    const id = newConversationId();
    await readUiStream(await send(client, id, [withImages("Look at this", [await upload(client)])]));
    const history = (await storedConversation(client, id)).body!.messages;
    const response = await send(
      client,
      id,
      [...history, { id: "m2", role: "user", parts: [{ type: "text", text: "Now in words only" }] }],
      GLM,
    );
    expect(response.status).toBe(200);
    expect(textOf(await readUiStream(response))).toBe("ok");
    expect(fake.calls[1].model).toBe(GLM);
    expect(imagesPerUserTurn(fake.calls[1])).toEqual([[], []]);
    expect(userTexts(fake.calls[1])).toEqual([`Look at this\n${IMAGE_NOT_RESENT}`, "Now in words only"]);
  });

  it("refuses another person's upload id as not found, and never sends its bytes", async () => {
    const owner = new TestClient();
    const imageId = await upload(owner);
    const spy = vi.spyOn(env.AI, "run");
    const other = new TestClient();
    const id = newConversationId();
    const response = await send(other, id, [withImages("Whose is this?", [imageId])]);
    expect(response.status).toBe(404);
    expect(((await response.json()) as any).error.code).toBe("not_found");
    expect(spy).not.toHaveBeenCalled();
    expect((await storedConversation(other, id)).status).toBe(404);
    // The owner's photo is untouched, and still theirs alone.
    expect((await owner.fetch(chatImageUrl(imageId))).status).toBe(200);
    expect((await other.fetch(chatImageUrl(imageId))).status).toBe(404);
  });

  it.each([
    ["a URL the Worker would have to fetch", { type: "file", mediaType: "image/png", url: "https://example.com/cat.png" }],
    ["a data URI", { type: "file", mediaType: "image/png", url: TINY_PNG_URI }],
    ["a file that is not an image", { type: "file", mediaType: "application/pdf", url: chatImageUrl("a".repeat(22)) }],
  ])("refuses an image part holding %s with 400", async (_name, part) => {
    const spy = vi.spyOn(env.AI, "run");
    const client = new TestClient();
    const response = await send(client, newConversationId(), [{ id: "m1", role: "user", parts: [{ type: "text", text: "Look" }, part] }]);
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.code).toBe("bad_request");
    expect(spy).not.toHaveBeenCalled();
  });

  it(`refuses more than ${CHAT_IMAGE_LIMITS.perMessage} images in one message`, async () => {
    const client = new TestClient();
    const ids = Array.from({ length: CHAT_IMAGE_LIMITS.perMessage + 1 }, (_, i) => `image${i}`.padEnd(22, "x"));
    const response = await send(client, newConversationId(), [withImages("All of them", ids)]);
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.message).toContain(`at most ${CHAT_IMAGE_LIMITS.perMessage} images`);
  });

  it("the upload route refuses an oversized or non-image file, so neither can reach a message", async () => {
    const client = new TestClient();
    const text = await client.fetch("/api/vision/images", {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: new TextEncoder().encode("not an image at all"),
    });
    expect(text.status).toBe(415);
    const huge = await client.fetch("/api/vision/images", {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: pngHeader(5000, 10),
    });
    expect(huge.status).toBe(413);
  });

  it("accepts the Llama 3.2 Vision licence once on 5016 in chat too, retries, and tells the person", async () => {
    const fake = useAi(licenceOnceThen(["A dot."]));
    const client = new TestClient();
    const id = newConversationId();
    const chunks = await readUiStream(await send(client, id, [withImages("Describe this image", [await upload(client)])], LLAMA_VISION));

    expect(fake.calls.map((c) => c.model)).toEqual([LLAMA_VISION, LLAMA_VISION, LLAMA_VISION]);
    expect(fake.calls[1].inputs).toEqual({ prompt: "agree" });
    expect(imagesPerUserTurn(fake.calls[2])).toEqual([[TINY_PNG_URI]]);
    expect(textOf(chunks)).toBe("A dot.");
    expect(finalMetadata(chunks)?.note).toBe(LICENCE_ACCEPTED_NOTE);
    expect((await storedConversation(client, id)).body!.messages[1].metadata).toMatchObject({
      note: LICENCE_ACCEPTED_NOTE,
      status: "complete",
    });
  });

  it("does not answer a licence prompt for a model that needs none", async () => {
    const fake = useAi(() => {
      throw licencePromptError();
    });
    const client = new TestClient();
    const chunks = await readUiStream(await send(client, newConversationId(), [withImages("Hi", [await upload(client)])]));
    expect(fake.calls.filter((c) => c.inputs.prompt === "agree")).toHaveLength(0);
    expect(chunks.find((c) => c.type === "error")?.errorText).toBe(ERRORS.model_agreement.message);
  });
});

describe("a chat image's life", () => {
  it("a sent image never expires; deleting its conversation deletes record and bytes, an unsent one expires", async () => {
    useAi(() => sseStream(legacyChunks(["ok"])));
    const client = new TestClient();
    const sent = await upload(client);
    const unsent = await upload(client);
    const id = newConversationId();
    await readUiStream(await send(client, id, [withImages("Look", [sent])]));

    const ttl = uploadTtlHours(env.UPLOAD_TTL_HOURS) * HOUR;
    await runInDurableObject(storeOf(client), (store) => void (store.person.seams.clock.now = () => Date.now() + ttl + HOUR));
    expect(await runDurableObjectAlarm(storeOf(client))).toBe(true);
    expect((await client.fetch(chatImageUrl(sent))).status).toBe(200);
    expect((await client.fetch(chatImageUrl(unsent))).status).toBe(404);
    expect(await objectsOf(unsent)).toEqual([]);

    expect((await client.fetch(`/api/conversations/${id}`, { method: "DELETE" })).status).toBe(204);
    expect((await client.fetch(chatImageUrl(sent))).status).toBe(404);
    await vi.waitFor(async () => expect(await objectsOf(sent)).toEqual([]));
  });

  it("an image two conversations use stays until the last of them is deleted", async () => {
    useAi(() => sseStream(legacyChunks(["ok"])));
    const client = new TestClient();
    const shared = await upload(client);
    const [a, b] = [newConversationId(), newConversationId()];
    await readUiStream(await send(client, a, [withImages("First", [shared])]));
    await readUiStream(await send(client, b, [withImages("Second", [shared])]));
    expect((await client.fetch(`/api/conversations/${a}`, { method: "DELETE" })).status).toBe(204);
    expect((await client.fetch(chatImageUrl(shared))).status).toBe(200);
    expect((await client.fetch(`/api/conversations/${b}`, { method: "DELETE" })).status).toBe(204);
    expect((await client.fetch(chatImageUrl(shared))).status).toBe(404);
  });
});
