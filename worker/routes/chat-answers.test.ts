/**
 * Answers written by the person's Durable Object: they outlive the request, any tab can rejoin or
 * stop them, and a restart keeps what was written. Workers AI is a TEST DOUBLE (recorded format).
 */
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_CHAT_MODEL, findChatModel } from "../../contract/models";
import { tokenCost } from "../../contract/pricing";
import { convertToModelMessages, type UIMessage } from "ai";
import { promptTokens } from "../spend/estimate-usage";
import type { UserStore } from "../store/user-store";
import { finalMetadata, newConversationId, readUiStream, readUntil, TestClient, textOf, userMessage } from "../test/client";
import { heldSseStream, legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";

afterEach(() => vi.restoreAllMocks());

/** Each model call answers with the next scripted stream; the call's abort signal is handed over. */
function useAi(...answers: ((signal: AbortSignal) => ReadableStream<Uint8Array>)[]) {
  const fake = recordedRun((call) => answers[fake.calls.length - 1](call.options?.signal as AbortSignal));
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  return fake;
}

/** A client that already has its identity, as a browser has after its page load. */
async function newClient() {
  const client = new TestClient();
  await client.startGuest();
  return client;
}

async function stored(client: TestClient, id: string): Promise<any[]> {
  const response = await client.fetch(`/api/conversations/${id}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { messages: any[] }).messages;
}

/** What the person has spent or reserved today, in neurons (worker/spend/). */
async function spentToday(client: TestClient): Promise<number> {
  return ((await (await client.fetch("/api/status")).json()) as { budget: { used: number } }).budget.used;
}

/** The default model's price for a usage, as worker/spend/ charges it. */
const priced = (usage: { inputTokens: number; outputTokens: number }) =>
  tokenCost(findChatModel(DEFAULT_CHAT_MODEL)!.price, usage.inputTokens, usage.outputTokens);

const text = (message: any) =>
  message.parts
    .filter((p: any) => p.type === "text")
    .map((p: any) => p.text)
    .join("");

/** The person's Durable Object, to look at the state of its running answers (waiting for states, never durations). */
function personsStore(client: TestClient) {
  const userId = client.userId!;
  return env.USER_STORE.get(env.USER_STORE.idFromName(userId));
}

/** Lets the held upstream go on, from the object's own context (see heldSseStream). */
async function release(client: TestClient, upstream: ReturnType<typeof heldSseStream>, upTo?: number) {
  await runInDurableObject(personsStore(client), () => upstream.release(upTo));
}

async function listening(client: TestClient, id: string): Promise<number | undefined> {
  return runInDurableObject(personsStore(client), (store: UserStore) => store.person.answers.running("chat", id)?.listening);
}

describe("answers outlive the request", () => {
  it("a client that disconnects leaves the answer running to its end, saved whole", async () => {
    let upstream!: ReturnType<typeof heldSseStream>;
    let signal!: AbortSignal;
    useAi((s) => {
      signal = s;
      upstream = heldSseStream(legacyChunks(["First ", "and ", "the ", "rest"]), 1, s);
      return upstream.stream;
    });
    const client = await newClient();
    const id = newConversationId();
    const controller = new AbortController();
    const { reader } = await readUntil(
      await client.chat({ id, messages: [userMessage("Long one")] }, { signal: controller.signal }),
      "First ",
    );
    controller.abort();
    await reader.cancel().catch(() => {});
    // One more piece: workerd notices the closed connection when it next has bytes to send; then
    // nobody listens any more, and the answer still runs.
    await release(client, upstream, 2);
    await vi.waitFor(async () => expect(await listening(client, id)).toBe(0));

    await release(client, upstream);
    await vi.waitFor(async () => expect((await stored(client, id))[1]?.metadata?.status).toBe("complete"));
    const answer = (await stored(client, id))[1];
    expect(text(answer)).toBe("First and the rest");
    expect(answer.metadata.usage).toMatchObject({ outputTokens: 4 });
    expect(signal.aborted).toBe(false);
  });

  it("Stop from a second request aborts the model call and saves the partial answer as stopped", async () => {
    let signal!: AbortSignal;
    useAi((s) => {
      signal = s;
      return heldSseStream(legacyChunks(["w0 ", "w1 ", "w2 "]), 2, s).stream;
    });
    const client = await newClient();
    const id = newConversationId();
    // No tools: the prompt below is the messages' alone (a tool answer's adds its tools' definitions).
    const asking = await client.chat({ id, messages: [userMessage("Go on and on")], tools: [] });
    const { reader } = await readUntil(asking, "w1 ");

    const stop = await client.fetch(`/api/chat/${id}/stop`, { method: "POST" });
    expect(stop.status).toBe(200);
    const { message } = (await stop.json()) as { message: any };
    expect(text(message)).toBe("w0 w1 ");
    expect(message.metadata.status).toBe("stopped");
    expect(signal.aborted).toBe(true);

    // The asking tab's stream ends with the same verdict.
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toContain('"status":"stopped"');
    const answer = (await stored(client, id))[1];
    expect(answer).toEqual(message);
    // No usage report came: the estimate counts at its most (the prompt as reserved, a token a byte
    // of the answer so far), so stopping early is no way around the budget.
    const prompt = promptTokens({ messages: await convertToModelMessages([userMessage("Go on and on")] as UIMessage[]) });
    expect(answer.metadata.usage).toEqual({
      inputTokens: prompt,
      outputTokens: "w0 w1 ".length,
      totalTokens: prompt + "w0 w1 ".length,
      estimated: true,
    });
    // Priced from that estimate, saved with the answer, and the reservation settled to it (not left at the worst case).
    expect(answer.metadata.cost).toEqual({ neurons: priced(answer.metadata.usage), estimated: true });
    await vi.waitFor(async () => expect(await spentToday(client)).toBe(answer.metadata.cost.neurons));
    expect((await client.fetch(`/api/chat/${id}/stop`, { method: "POST" })).status).toBe(204);
  });

  it("a second page rejoins: everything so far, then live to the end, for both", async () => {
    let upstream!: ReturnType<typeof heldSseStream>;
    useAi((s) => (upstream = heldSseStream(legacyChunks(["Still ", "writing ", "this"]), 1, s)).stream);
    const client = await newClient();
    const id = newConversationId();
    const first = await client.chat({ id, messages: [userMessage("Take your time")] });
    const { reader, received } = await readUntil(first, "Still ");

    const rejoined = await client.fetch(`/api/chat/${id}/stream`);
    expect(rejoined.status).toBe(200);
    expect(rejoined.headers.get("content-type")).toContain("text/event-stream");
    const second = readUntil(rejoined, "Still ");
    // The question was saved before the model was called; the answer is not saved yet.
    expect(await stored(client, id)).toHaveLength(1);
    const { reader: secondReader, received: secondSoFar } = await second;

    await release(client, upstream);
    const rest = async (r: ReadableStreamDefaultReader<Uint8Array>, soFar: string) => {
      let all = soFar;
      for (let next = await r.read(); !next.done; next = await r.read()) all += new TextDecoder().decode(next.value);
      return readUiStream(new Response(all));
    };
    const [a, b] = await Promise.all([rest(reader, received), rest(secondReader, secondSoFar)]);
    expect(textOf(a)).toBe("Still writing this");
    expect(textOf(b)).toBe("Still writing this");
    expect(b[0]).toMatchObject({ type: "start", messageId: a[0].messageId });
    expect(finalMetadata(b)).toMatchObject({ status: "complete" });

    // Ended and saved: nothing to rejoin.
    expect((await client.fetch(`/api/chat/${id}/stream`)).status).toBe(204);
    expect(text((await stored(client, id))[1])).toBe("Still writing this");
  });

  it("answers 204 when nothing runs, and 404 for an id that cannot be a conversation", async () => {
    const client = await newClient();
    expect((await client.fetch(`/api/chat/${newConversationId()}/stream`)).status).toBe(204);
    expect((await client.fetch(`/api/chat/nope/stream`)).status).toBe(404);
  });

  it("another person cannot rejoin or stop someone's answer", async () => {
    let upstream!: ReturnType<typeof heldSseStream>;
    useAi((s) => (upstream = heldSseStream(legacyChunks(["Mine ", "only"]), 1, s)).stream);
    const owner = await newClient();
    const id = newConversationId();
    const asking = await owner.chat({ id, messages: [userMessage("Private")] });
    const { reader } = await readUntil(asking, "Mine ");
    const stranger = await newClient();
    expect((await stranger.fetch(`/api/chat/${id}/stream`)).status).toBe(204);
    expect((await stranger.fetch(`/api/chat/${id}/stop`, { method: "POST" })).status).toBe(204);
    await release(owner, upstream);
    await reader.cancel();
    await vi.waitFor(async () => expect((await stored(owner, id))[1]?.metadata?.status).toBe("complete"));
  });

  it("one person's answers in two conversations stream and save on their own", async () => {
    const upstreams: ReturnType<typeof heldSseStream>[] = [];
    useAi(
      (s) => (upstreams[0] = heldSseStream(legacyChunks(["One ", "done"]), 1, s)).stream,
      (s) => (upstreams[1] = heldSseStream(legacyChunks(["Two ", "done"]), 1, s)).stream,
    );
    const client = await newClient();
    const [a, b] = [newConversationId(), newConversationId()];
    const first = await readUntil(await client.chat({ id: a, messages: [userMessage("First")] }), "One ");
    const second = await readUntil(await client.chat({ id: b, messages: [userMessage("Second")] }), "Two ");
    // Stopping one leaves the other running.
    expect((await client.fetch(`/api/chat/${a}/stop`, { method: "POST" })).status).toBe(200);
    await release(client, upstreams[1]);
    await Promise.all([first.reader.cancel(), second.reader.cancel()]);
    await vi.waitFor(async () => expect((await stored(client, b))[1]?.metadata?.status).toBe("complete"));
    expect((await stored(client, a))[1].metadata.status).toBe("stopped");
    expect(text((await stored(client, b))[1])).toBe("Two done");
  });

  it("a new question in the same conversation stops the answer still being written, which is kept", async () => {
    useAi(
      (s) => heldSseStream(legacyChunks(["Old ", "answer"]), 1, s).stream,
      () => sseStream(legacyChunks(["New"])),
    );
    const client = await newClient();
    const id = newConversationId();
    const q1 = userMessage("First");
    const first = await readUntil(await client.chat({ id, messages: [q1] }), "Old ");
    const chunks = await readUiStream(await client.chat({ id, messages: [q1, userMessage("Never mind")] }));
    expect(textOf(chunks)).toBe("New");
    await first.reader.cancel();
    const messages = await stored(client, id);
    expect(messages.map((m) => m.role)).toEqual(["user", "user", "assistant"]);
    expect(text(messages[2])).toBe("New");
  });
});

describe("a restart mid-answer", () => {
  it("keeps the text written so far, marked interrupted, and Continue carries it on in the same message", async () => {
    const fake = useAi(
      (s) => heldSseStream(legacyChunks(["Once ", "upon ", "a time"]), 2, s).stream,
      () => sseStream(legacyChunks([" there was", " an end."])),
    );
    const client = await newClient();
    const id = newConversationId();
    const { reader } = await readUntil(await client.chat({ id, messages: [userMessage("Tell a story")] }), "upon ");
    // Wait until the batch with the text so far is written (RECORD_BATCH): a state, not a duration.
    await vi.waitFor(() =>
      runInDurableObject(personsStore(client), (_store, state) => {
        const written = state.storage.sql
          .exec<{ body: string }>(`SELECT body FROM answer_chunks`)
          .toArray()
          .map((r) => r.body)
          .join("");
        expect(written).toContain("upon ");
      }),
    );

    await abortAllDurableObjects();
    await reader.cancel().catch(() => {});

    const messages = await stored(client, id);
    expect(messages).toHaveLength(2);
    expect(text(messages[1])).toBe("Once upon ");
    expect(messages[1].metadata).toMatchObject({
      status: "interrupted",
      usage: { estimated: true, outputTokens: "Once upon ".length },
    });
    expect((await client.fetch(`/api/chat/${id}/stream`)).status).toBe(204);
    // The reservation outlived the object on the answer's run row: recovery settled it to the partial answer's cost.
    expect(messages[1].metadata.cost).toEqual({ neurons: priced(messages[1].metadata.usage), estimated: true });
    await vi.waitFor(async () => expect(await spentToday(client)).toBe(messages[1].metadata.cost.neurons));

    const continued = await readUiStream(await client.fetch(`/api/chat/${id}/continue`, { method: "POST" }));
    expect(continued[0]).toMatchObject({ type: "start", messageId: messages[1].id });
    expect(textOf(continued)).toBe("Once upon  there was an end.");
    expect(finalMetadata(continued)).toMatchObject({ status: "complete" });
    // The model saw the answer so far and was asked to carry on.
    const asked = fake.calls[1].inputs.messages as { role: string; content: string }[];
    expect(asked.slice(-2).map((m) => m.role)).toEqual(["assistant", "user"]);
    expect(asked.at(-2)?.content).toBe("Once upon ");

    const after = await stored(client, id);
    expect(after).toHaveLength(2);
    expect(after[1].id).toBe(messages[1].id);
    expect(text(after[1])).toBe("Once upon  there was an end.");
    expect(after[1].metadata.status).toBe("complete");
    // Continue is paid for like a new answer; the message's cost is both calls together.
    expect(after[1].metadata.cost.neurons).toBe(messages[1].metadata.cost.neurons + priced(after[1].metadata.usage));
    await vi.waitFor(async () => expect(await spentToday(client)).toBe(after[1].metadata.cost.neurons));
    // Only an interrupted answer can be continued.
    expect((await client.fetch(`/api/chat/${id}/continue`, { method: "POST" })).status).toBe(400);
  });
});
