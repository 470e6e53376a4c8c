import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ERRORS } from "../../contract/errors";
import { findChatModel } from "../../contract/models";
import { tokenCost } from "../../contract/pricing";
import { IMAGE_INPUT_TOKENS } from "../spend/answer-cost";
import { DEFAULT_VISION_MODEL, LICENCE_ACCEPTED_NOTE, VISION_LIMITS } from "../../contract/vision-api";
import { finalMetadata, newConversationId, readUiStream, readUntil, TestClient, textOf, userMessage } from "../test/client";
import {
  bindingError,
  licencePromptError,
  licenceOnceThen,
  heldSseStream,
  legacyChunks,
  openAiChunks,
  recordedRun,
  sseStream,
  type RecordedCall,
} from "../test/recorded-ai";
import { countedUpload, gif, pngHeader, TINY_PNG } from "../test/vision-images";

const LLAMA_VISION = "@cf/meta/llama-3.2-11b-vision-instruct";
const TINY_PNG_URI = `data:image/png;base64,${btoa(String.fromCharCode(...TINY_PNG))}`;

function useAi(answer: Parameters<typeof recordedRun>[0]) {
  const fake = recordedRun(answer);
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  return fake;
}

function uploadFile(client: TestClient, bytes: Uint8Array, name: string, type: string) {
  const form = new FormData();
  form.append("image", new File([bytes], name, { type }));
  return client.fetch("/api/vision/images", { method: "POST", body: form });
}

async function uploadedImageId(client: TestClient): Promise<string> {
  const response = await uploadFile(client, TINY_PNG, "dot.png", "image/png");
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

function ask(client: TestClient, body: Record<string, unknown>) {
  return client.json("/api/vision", "POST", { trigger: "submit-message", ...body });
}

async function storedThread(client: TestClient, id: string) {
  const response = await client.fetch(`/api/vision/threads/${id}`);
  expect(response.status).toBe(200);
  return (await response.json()) as {
    thread: { title: string; imageId: string; model: string };
    image: { id: string; mediaType: string };
    messages: any[];
  };
}

/** The user messages the model was sent, as workers-ai-provider shaped them for the binding. */
function userTurns(call: RecordedCall): any[] {
  return (call.inputs.messages as any[]).filter((m) => m.role === "user");
}

function imageUrlsIn(content: unknown): string[] {
  return Array.isArray(content) ? content.filter((p) => p.type === "image_url").map((p) => p.image_url.url) : [];
}

afterEach(() => vi.restoreAllMocks());

describe("POST /api/vision/images", () => {
  it("accepts a PNG named .jpg and declared as JPEG: the bytes decide, and the owner can read it back", async () => {
    const client = new TestClient();
    const response = await uploadFile(client, TINY_PNG, "holiday.jpg", "image/jpeg");
    expect(response.status).toBe(201);
    const image = (await response.json()) as Record<string, unknown>;
    expect(image).toMatchObject({ mediaType: "image/png", width: 1, height: 1, bytes: TINY_PNG.byteLength });
    expect(image.id).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const bytes = await client.fetch(`/api/vision/images/${image.id}`);
    expect(bytes.status).toBe(200);
    expect(bytes.headers.get("content-type")).toBe("image/png");
    expect(bytes.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    expect(new Uint8Array(await bytes.arrayBuffer())).toEqual(TINY_PNG);
  });

  it("accepts the image as the raw request body too", async () => {
    const client = new TestClient();
    const response = await client.fetch("/api/vision/images", {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: TINY_PNG,
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ mediaType: "image/png", width: 1, height: 1 });
  });

  it("refuses a text file named .png with a readable 415", async () => {
    const response = await uploadFile(new TestClient(), new TextEncoder().encode("just some notes, honestly"), "notes.png", "image/png");
    expect(response.status).toBe(415);
    const error = ((await response.json()) as any).error;
    expect(error.code).toBe("unsupported_image");
    expect(error.message).toMatch(/not a JPEG, PNG, WebP or GIF/);
  });

  it("refuses an oversized streamed upload early, without pulling the rest of it", async () => {
    const chunkBytes = 256 * 1024;
    const chunks = (VISION_LIMITS.maxBytes / chunkBytes) * 4; // four times the limit
    const { stream, counter } = countedUpload(chunks, chunkBytes);
    const response = await new TestClient().fetch("/api/vision/images", {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as any).error.message).toMatch(/larger than 5 MB/);
    // The limit is 20 chunks; a little read-ahead by the transport is fine, reading it all is not.
    expect(counter.pulls).toBeLessThan(chunks / 2);
  });

  it("refuses an upload whose declared length is over the limit, whatever the body holds", async () => {
    const response = await new TestClient().fetch("/api/vision/images", {
      method: "POST",
      headers: { "content-type": "application/octet-stream", "content-length": String(VISION_LIMITS.maxBytes + 1) },
      body: TINY_PNG,
    });
    expect(response.status).toBe(413);
  });

  it("refuses an oversized multipart upload too", async () => {
    const response = await uploadFile(new TestClient(), new Uint8Array(VISION_LIMITS.maxBytes + 1).fill(7), "big.png", "image/png");
    expect(response.status).toBe(413);
  });

  it("refuses an image over the dimension limit, read from its header", async () => {
    const response = await uploadFile(new TestClient(), pngHeader(VISION_LIMITS.maxSide + 1, 300), "wide.png", "image/png");
    expect(response.status).toBe(413);
    expect(((await response.json()) as any).error.message).toBe(
      `The image is ${VISION_LIMITS.maxSide + 1}×300 pixels; the limit is ${VISION_LIMITS.maxSide} pixels on the longest side.`,
    );
    const ok = await uploadFile(new TestClient(), pngHeader(VISION_LIMITS.maxSide, 300), "edge.png", "image/png");
    expect(ok.status).toBe(201);
  });

  it("refuses a GIF whose small screen hides an oversized frame, and takes one whose frames fit", async () => {
    const hidden = gif({ width: 1, height: 1 }, [
      { width: 1, height: 1 },
      { width: VISION_LIMITS.maxSide + 1, height: 1 },
    ]);
    const refused = await uploadFile(new TestClient(), hidden, "tiny.gif", "image/gif");
    expect(refused.status).toBe(413);
    expect(((await refused.json()) as any).error.message).toBe(
      `The image is ${VISION_LIMITS.maxSide + 1}×1 pixels; the limit is ${VISION_LIMITS.maxSide} pixels on the longest side.`,
    );
    const fits = await uploadFile(
      new TestClient(),
      gif({ width: 64, height: 48 }, [
        { width: 64, height: 48 },
        { left: 8, top: 8, width: 16, height: 16 },
      ]),
      "ok.gif",
      "image/gif",
    );
    expect(fits.status).toBe(201);
    expect(await fits.json()).toMatchObject({ mediaType: "image/gif", width: 64, height: 48 });
  });
});

describe("POST /api/vision", () => {
  it("streams a legacy-format answer with the stored image as an image_url data URI, and saves the thread", async () => {
    const fake = useAi(() => sseStream(legacyChunks(["A ", "single ", "dot."])));
    const client = new TestClient();
    const imageId = await uploadedImageId(client);
    const id = newConversationId();
    const response = await ask(client, { id, imageId, messages: [userMessage("Describe this image")] });

    expect(response.status).toBe(200);
    const chunks = await readUiStream(response);
    expect(textOf(chunks)).toBe("A single dot.");
    expect(finalMetadata(chunks)).toMatchObject({
      model: DEFAULT_VISION_MODEL,
      servedBy: "Workers AI",
      status: "complete",
      usage: { outputTokens: 3 },
    });
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0].model).toBe(DEFAULT_VISION_MODEL);
    const [question] = userTurns(fake.calls[0]);
    expect(question.content).toEqual([
      { type: "text", text: "Describe this image" },
      { type: "image_url", image_url: { url: TINY_PNG_URI } },
    ]);

    const stored = await storedThread(client, id);
    expect(stored.thread).toMatchObject({ title: "Describe this image", imageId, model: DEFAULT_VISION_MODEL });
    expect(stored.image).toMatchObject({ id: imageId, mediaType: "image/png" });
    expect(stored.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(stored.messages[1].parts.find((p: any) => p.type === "text").text).toBe("A single dot.");
    expect(stored.messages[1].metadata.status).toBe("complete");

    const list = (await (await client.fetch("/api/vision/threads")).json()) as { threads: { id: string }[] };
    expect(list.threads.map((t) => t.id)).toEqual([id]);
  });

  it("a vision answer outlives its request: a second page rejoins it live, and Stop from there saves it as stopped", async () => {
    let signal!: AbortSignal;
    useAi((call) => heldSseStream(legacyChunks(["A ", "dot ", "on ", "white."]), 1, (signal = call.options?.signal as AbortSignal)).stream);
    const client = new TestClient();
    const imageId = await uploadedImageId(client);
    const id = newConversationId();
    const first = await readUntil(await ask(client, { id, imageId, messages: [userMessage("What is this?")] }), "A ");
    // The first page goes away; that is not a Stop.
    await first.reader.cancel();

    const rejoined = await client.fetch(`/api/vision/threads/${id}/stream`);
    expect(rejoined.status).toBe(200);
    const { reader } = await readUntil(rejoined, "A ");
    expect((await storedThread(client, id)).messages).toHaveLength(1); // the question, saved before the model was called

    const stop = await client.fetch(`/api/vision/threads/${id}/stop`, { method: "POST" });
    expect(stop.status).toBe(200);
    expect(((await stop.json()) as { message: any }).message.metadata.status).toBe("stopped");
    expect(signal.aborted).toBe(true);
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toContain('"status":"stopped"');
    const stored = await storedThread(client, id);
    expect(stored.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(stored.messages[1].parts.find((p: any) => p.type === "text").text).toBe("A ");
    expect((await client.fetch(`/api/vision/threads/${id}/stream`)).status).toBe(204);
  });

  it("a vision answer interrupted by a restart is kept, and Continue carries it on with the image attached again", async () => {
    const fake = useAi((call) =>
      fake.calls.length === 1
        ? heldSseStream(legacyChunks(["A red ", "square ", "on"]), 2, call.options?.signal as AbortSignal).stream
        : sseStream(legacyChunks([" a white page."])),
    );
    const client = new TestClient();
    const imageId = await uploadedImageId(client);
    const id = newConversationId();
    const { reader } = await readUntil(await ask(client, { id, imageId, messages: [userMessage("Describe this image")] }), "square ");
    const userId = client.userId!;
    const store = env.USER_STORE.get(env.USER_STORE.idFromName(userId));
    await vi.waitFor(() =>
      runInDurableObject(store, (_s, state) =>
        expect(
          state.storage.sql
            .exec(`SELECT body FROM answer_chunks`)
            .toArray()
            .map((r) => r.body)
            .join(""),
        ).toContain("square "),
      ),
    );
    await abortAllDurableObjects();
    await reader.cancel().catch(() => {});

    const interrupted = (await storedThread(client, id)).messages[1];
    expect(interrupted.metadata.status).toBe("interrupted");
    expect(interrupted.parts.find((p: any) => p.type === "text").text).toBe("A red square ");

    const chunks = await readUiStream(await client.fetch(`/api/vision/threads/${id}/continue`, { method: "POST" }));
    expect(textOf(chunks)).toBe("A red square  a white page.");
    expect(imageUrlsIn(userTurns(fake.calls[1])[0].content)).toEqual([TINY_PNG_URI]);
    const after = (await storedThread(client, id)).messages;
    expect(after.map((m) => [m.id, m.metadata.status])).toEqual([
      [after[0].id, undefined],
      [interrupted.id, "complete"],
    ]);
  });

  it("streams an OpenAI-format answer from the chosen vision model", async () => {
    const fake = useAi(() => sseStream(openAiChunks(["Two ", "cats"])));
    const client = new TestClient();
    const imageId = await uploadedImageId(client);
    const chunks = await readUiStream(
      await ask(client, {
        id: newConversationId(),
        imageId,
        model: "@cf/google/gemma-4-26b-a4b-it",
        messages: [userMessage("Count the objects")],
      }),
    );
    expect(textOf(chunks)).toBe("Two cats");
    expect(fake.calls[0].model).toBe("@cf/google/gemma-4-26b-a4b-it");
    expect(imageUrlsIn(userTurns(fake.calls[0])[0].content)).toEqual([TINY_PNG_URI]);
  });

  it("re-attaches the stored image on a follow-up that sends text only", async () => {
    const client = new TestClient();
    const imageId = await uploadedImageId(client);
    const id = newConversationId();
    useAi(() => sseStream(legacyChunks(["A red square."])));
    await readUiStream(await ask(client, { id, imageId, messages: [userMessage("Describe this image")] }));
    const history = (await storedThread(client, id)).messages;

    const fake = useAi(() => sseStream(legacyChunks(["Red."])));
    const chunks = await readUiStream(await ask(client, { id, imageId, messages: [...history, userMessage("What colour is it?")] }));
    expect(textOf(chunks)).toBe("Red.");
    const turns = userTurns(fake.calls[0]);
    expect(turns).toHaveLength(2);
    expect(imageUrlsIn(turns[0].content)).toEqual([TINY_PNG_URI]);
    expect(turns[1].content).toBe("What colour is it?");
    expect((await storedThread(client, id)).messages).toHaveLength(4);
  });

  it("accepts the Llama 3.2 Vision licence once on 5016, retries, and tells the person", async () => {
    const fake = useAi(licenceOnceThen(["A dot."]));
    const client = new TestClient();
    const imageId = await uploadedImageId(client);
    const id = newConversationId();
    const chunks = await readUiStream(
      await ask(client, { id, imageId, model: LLAMA_VISION, messages: [userMessage("Describe this image")] }),
    );

    expect(fake.calls.map((c) => c.model)).toEqual([LLAMA_VISION, LLAMA_VISION, LLAMA_VISION]);
    expect(fake.calls[1].inputs).toEqual({ prompt: "agree" });
    expect(imageUrlsIn(userTurns(fake.calls[2])[0].content)).toEqual([TINY_PNG_URI]);
    expect(textOf(chunks)).toBe("A dot.");
    expect(finalMetadata(chunks)?.note).toBe(LICENCE_ACCEPTED_NOTE);
    expect((await storedThread(client, id)).messages[1].metadata).toMatchObject({ note: LICENCE_ACCEPTED_NOTE, status: "complete" });
  });

  it("does not loop when the licence still is not accepted after agreeing", async () => {
    const fake = useAi((call) => {
      if (call.inputs.prompt === "agree") return { response: "ok" };
      throw licencePromptError();
    });
    const client = new TestClient();
    const imageId = await uploadedImageId(client);
    const chunks = await readUiStream(
      await ask(client, { id: newConversationId(), imageId, model: LLAMA_VISION, messages: [userMessage("Hi")] }),
    );
    expect(fake.calls.filter((c) => c.inputs.prompt === "agree")).toHaveLength(1);
    expect(fake.calls).toHaveLength(3);
    expect(chunks.find((c) => c.type === "error")?.errorText).toBe(ERRORS.model_agreement.message);
  });

  it.each([
    [5021, "The estimated number of input and maximum output tokens exceeded this model context window limit.", "context_window"],
    [3006, "Request is too large", "too_large"],
    [3040, "Capacity temporarily exceeded, please try again.", "capacity"],
    [3036, "You have used up your daily free allocation of 10,000 neurons.", "daily_allocation"],
    [4006, "you have used up your daily free allocation of 10,000 neurons", "daily_allocation"],
    [9903, "The local engine has no vision model: LOCAL_VISION_MODEL_DIR is not set.", "engine_no_vision_model"],
  ] as const)("turns binding error %i into a readable message and keeps the question", async (code, upstream, ours) => {
    useAi(() => {
      throw bindingError(code, upstream);
    });
    const client = new TestClient();
    const imageId = await uploadedImageId(client);
    const id = newConversationId();
    const chunks = await readUiStream(await ask(client, { id, imageId, messages: [userMessage("Read the text in it")] }));
    expect(chunks.find((c) => c.type === "error")?.errorText).toBe(ERRORS[ours].message);
    const stored = await storedThread(client, id);
    expect(stored.messages[0].parts[0].text).toBe("Read the text in it");
    expect(stored.messages[1].metadata).toMatchObject({ status: "failed", error: ERRORS[ours].message });
  });

  it("keeps the partial answer, marked failed, when the stream breaks mid-way", async () => {
    useAi(() => sseStream(legacyChunks(["There is ", "a dot ", "in the middle"]), { failAfter: 2 }));
    const client = new TestClient();
    const imageId = await uploadedImageId(client);
    const id = newConversationId();
    const chunks = await readUiStream(await ask(client, { id, imageId, messages: [userMessage("Describe this image")] }));
    expect(textOf(chunks)).toBe("There is a dot ");
    const answer = (await storedThread(client, id)).messages[1];
    expect(answer.parts.find((p: any) => p.type === "text").text).toBe("There is a dot ");
    expect(answer.metadata.status).toBe("failed");
  });

  it("refuses a model that cannot read images", async () => {
    const spy = vi.spyOn(env.AI, "run");
    const client = new TestClient();
    const imageId = await uploadedImageId(client);
    const response = await ask(client, {
      id: newConversationId(),
      imageId,
      model: "@cf/zai-org/glm-4.7-flash",
      messages: [userMessage("Hi")],
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error).toMatchObject({
      code: "unknown_model",
      message: expect.stringContaining("cannot read images"),
    });
    expect(spy).not.toHaveBeenCalled();
  });

  it("refuses to move a thread to another image", async () => {
    useAi(() => sseStream(legacyChunks(["ok"])));
    const client = new TestClient();
    const id = newConversationId();
    await readUiStream(await ask(client, { id, imageId: await uploadedImageId(client), messages: [userMessage("One")] }));
    const response = await ask(client, { id, imageId: await uploadedImageId(client), messages: [userMessage("Two")] });
    expect(response.status).toBe(400);
  });
});

describe("POST /api/vision: budget", () => {
  it("refuses a question whose worst case does not fit today's budget before saving it or calling a model", async () => {
    const spy = vi.spyOn(env.AI, "run");
    const client = new TestClient();
    const imageId = await uploadedImageId(client);
    const id = newConversationId();
    const model = "@cf/moonshotai/kimi-k2.7-code";
    // The image's input tokens plus 8,192 output tokens at this model's price: more than a guest's day.
    const worst = tokenCost(findChatModel(model)!.price, IMAGE_INPUT_TOKENS, 8192);
    expect(worst).toBeGreaterThan(Number(env.GUEST_DAILY_NEURONS));
    const response = await ask(client, { id, imageId, model, maxTokens: 8192, messages: [userMessage("What is this?")] });
    expect(response.status).toBe(429);
    expect(((await response.json()) as any).error).toMatchObject({
      code: "budget_exhausted",
      message: expect.stringContaining("Lower Max tokens"),
    });
    expect(spy).not.toHaveBeenCalled();
    expect((await client.fetch(`/api/vision/threads/${id}`)).status).toBe(404);
  });
});

describe("vision threads: rename and search", () => {
  async function thread(client: TestClient, question: string, answer: string): Promise<string> {
    useAi(() => sseStream(legacyChunks([answer])));
    const id = newConversationId();
    await readUiStream(await ask(client, { id, imageId: await uploadedImageId(client), messages: [userMessage(question)] }));
    return id;
  }
  const titles = async (client: TestClient, q: string) =>
    ((await (await client.fetch(`/api/vision/threads?q=${encodeURIComponent(q)}`)).json()) as { threads: { title: string }[] }).threads.map(
      (t) => t.title,
    );

  it("renames a thread, and another person cannot", async () => {
    const client = new TestClient();
    const id = await thread(client, "Describe this image", "A red square.");
    const renamed = await client.json(`/api/vision/threads/${id}`, "PATCH", { title: "  Red square  " });
    expect(renamed.status).toBe(200);
    expect(((await renamed.json()) as { thread: { title: string } }).thread.title).toBe("Red square");
    expect((await storedThread(client, id)).thread.title).toBe("Red square");

    expect((await client.json(`/api/vision/threads/${id}`, "PATCH", { title: "  " })).status).toBe(400);
    expect((await client.json(`/api/vision/threads/${newConversationId()}`, "PATCH", { title: "Nothing" })).status).toBe(404);
    expect((await new TestClient().json(`/api/vision/threads/${id}`, "PATCH", { title: "Stolen" })).status).toBe(404);
    expect((await storedThread(client, id)).thread.title).toBe("Red square");
  });

  it("finds threads by title and by the words of their questions and answers, and no one else's", async () => {
    const client = new TestClient();
    await thread(client, "What breed is this dog?", "A border collie.");
    await thread(client, "Read the sign", "It says 50% off_today.");
    expect(await titles(client, "breed")).toEqual(["What breed is this dog?"]);
    expect(await titles(client, "COLLIE")).toEqual(["What breed is this dog?"]);
    // Wildcards are plain text: "%" matches only a percent sign.
    expect(await titles(client, "50%")).toEqual(["Read the sign"]);
    expect(await titles(client, "%")).toEqual(["Read the sign"]);
    expect(await titles(client, "text")).toEqual([]);
    expect(await titles(client, "")).toHaveLength(2);
    expect(await titles(new TestClient(), "collie")).toEqual([]);
  });
});

describe("vision ownership", () => {
  it("keeps one person's image and thread from everyone else", async () => {
    useAi(() => sseStream(legacyChunks(["Mine."])));
    const owner = new TestClient();
    const imageId = await uploadedImageId(owner);
    const id = newConversationId();
    await readUiStream(await ask(owner, { id, imageId, messages: [userMessage("Describe this image")] }));

    const other = new TestClient();
    const spy = useAi(() => sseStream(legacyChunks(["Stolen."])));
    expect((await other.fetch(`/api/vision/images/${imageId}`)).status).toBe(404);
    expect((await other.fetch(`/api/vision/threads/${id}`)).status).toBe(404);
    expect((await ask(other, { id: newConversationId(), imageId, messages: [userMessage("What is it?")] })).status).toBe(404);
    expect((await other.fetch(`/api/vision/threads/${id}`, { method: "DELETE" })).status).toBe(404);
    expect(((await (await other.fetch("/api/vision/threads")).json()) as any).threads).toEqual([]);
    expect(spy.calls).toHaveLength(0);
    expect((await owner.fetch(`/api/vision/images/${imageId}`)).status).toBe(200);
  });

  it("deleting a thread removes its messages and its image", async () => {
    useAi(() => sseStream(legacyChunks(["Bye."])));
    const client = new TestClient();
    const imageId = await uploadedImageId(client);
    const id = newConversationId();
    await readUiStream(await ask(client, { id, imageId, messages: [userMessage("Describe this image")] }));
    expect((await client.fetch(`/api/vision/threads/${id}`, { method: "DELETE" })).status).toBe(204);
    expect((await client.fetch(`/api/vision/threads/${id}`)).status).toBe(404);
    expect((await client.fetch(`/api/vision/images/${imageId}`)).status).toBe(404);
    expect(await objectsOf(imageId)).toEqual([]);
  });

  it("keeps a fresh upload under pending-uploads/ (which expires) until its first question, then under uploads/", async () => {
    useAi(() => sseStream(legacyChunks(["A dot."])));
    const client = new TestClient();
    const imageId = await uploadedImageId(client);
    expect(await objectsOf(imageId)).toEqual([expect.stringMatching(/^pending-uploads\//)]);
    expect((await client.fetch(`/api/vision/images/${imageId}`)).status).toBe(200); // readable while pending
    await readUiStream(await ask(client, { id: newConversationId(), imageId, messages: [userMessage("Describe this image")] }));
    expect(await objectsOf(imageId)).toEqual([expect.stringMatching(/^uploads\//)]);
    // A second thread about the same image finds it kept.
    const again = await ask(client, { id: newConversationId(), imageId, messages: [userMessage("And now?")] });
    expect(again.status).toBe(200);
    await readUiStream(again);
    expect(await objectsOf(imageId)).toEqual([expect.stringMatching(/^uploads\//)]);
  });
});

/** Every R2 key holding this upload's bytes, pending or kept. */
async function objectsOf(imageId: string): Promise<string[]> {
  const keys = await Promise.all(
    ["uploads/", "pending-uploads/"].map(async (prefix) => (await env.MEDIA.list({ prefix })).objects.map((o) => o.key)),
  );
  return keys.flat().filter((key) => key.endsWith(`/${imageId}`));
}
