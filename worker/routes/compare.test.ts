/**
 * Side by side (POST /api/chat/compare): one question, 2–3 models, each answer its own run, its own
 * reservation and settlement, saved as versions of the answer to the question. Workers AI is a TEST
 * DOUBLE (recorded format) that answers each model with the stream the test scripted for it.
 */
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  A,
  B,
  C,
  compare,
  detail,
  everyMessage,
  newClient,
  personsStore,
  priced,
  release,
  runningSlots,
  spentToday,
  started,
  text,
  useAi,
  worstCase,
} from "../test/compare-kit";
import { appWith, finalMetadata, newConversationId, readUiStream, readUntil, textOf, userMessage } from "../test/client";
import { bindingError, heldSseStream, legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";

afterEach(() => vi.restoreAllMocks());

describe("compare: one question, several models", () => {
  it("reserves each answer's worst case on its own and settles each to its own cost, saved as versions", async () => {
    const held: Record<string, ReturnType<typeof heldSseStream>> = {};
    useAi({
      [A]: (s) => (held.a = heldSseStream(legacyChunks(["Apples ", "are red"]), 1, s)).stream,
      [B]: (s) => (held.b = heldSseStream(legacyChunks(["Bananas"]), 0, s)).stream,
    });
    const client = await newClient();
    const id = newConversationId();
    const question = userMessage("Name a fruit");
    const start = await started(await compare(client, { id, messages: [question], models: [A, B] }));
    expect(start.questionId).toBe(question.id);
    expect(start.slots.map((s) => [s.slot, s.model, "messageId" in s])).toEqual([
      [0, A, true],
      [1, B, true],
    ]);
    // Both worst cases are held while both run (the ledger rounds each reservation up).
    const reserved = Math.ceil(await worstCase(A, question)) + Math.ceil(await worstCase(B, question));
    expect(await spentToday(client)).toBe(reserved);
    expect(await runningSlots(client, id)).toEqual([0, 1]);

    // Each slot streams its own answer.
    const [a, b] = await Promise.all(
      [0, 1].map(async (slot) => {
        const response = await client.fetch(`/api/chat/compare/${id}/stream?slot=${slot}`);
        expect(response.status).toBe(200);
        if (slot === 0) await release(client, held.a);
        else await release(client, held.b);
        return readUiStream(response);
      }),
    );
    expect(textOf(a)).toBe("Apples are red");
    expect(textOf(b)).toBe("Bananas");
    expect(finalMetadata(a)).toMatchObject({ model: A, status: "complete" });
    expect(finalMetadata(b)).toMatchObject({ model: B, status: "complete" });

    // Saved: the question once, both answers under it as versions; each with its own cost, and the spend is their sum.
    await vi.waitFor(async () => expect(await runningSlots(client, id)).toEqual([]));
    const all = await everyMessage(client, id);
    expect(all.filter((m) => m.role === "user")).toHaveLength(1);
    const answers = all.filter((m) => m.role === "assistant");
    expect(answers.map((m) => m.id).sort()).toEqual(start.slots.map((s) => ("messageId" in s ? s.messageId : "")).sort());
    const byModel = Object.fromEntries(answers.map((m) => [m.metadata.model, m]));
    expect(byModel[A].metadata.cost.neurons).toBe(priced(A, byModel[A].metadata.usage));
    expect(byModel[B].metadata.cost.neurons).toBe(priced(B, byModel[B].metadata.usage));
    await vi.waitFor(async () =>
      expect(await spentToday(client)).toBeCloseTo(byModel[A].metadata.cost.neurons + byModel[B].metadata.cost.neurons, 6),
    );
    const shown = await detail(client, id);
    expect(shown.messages).toHaveLength(2);
    expect(Object.values(shown.siblings ?? {})[0]?.sort()).toEqual(answers.map((m) => m.id).sort());
  });

  it("a refused second reservation does not lose the first: that answer runs and is paid for, the other says why", async () => {
    const question = userMessage("Name a colour");
    const [worstA, worstB] = [await worstCase(A, question), await worstCase(B, question)];
    // Room for the first answer's worst case, not for both.
    const fake = useAi({ [A]: ["Red"], [B]: ["never asked"] });
    const client = await newClient(appWith({ GUEST_DAILY_NEURONS: String(Math.ceil(worstA) + Math.floor(worstB / 2)) }));
    const id = newConversationId();
    const start = await started(await compare(client, { id, messages: [question], models: [A, B] }));
    expect(start.slots[0]).toMatchObject({ slot: 0, model: A, messageId: expect.any(String) });
    expect(start.slots[1]).toMatchObject({ slot: 1, model: B, error: { code: "budget_exhausted" } });
    expect(fake.calls.map((c) => c.model)).toEqual([A]);

    await vi.waitFor(async () => expect(await runningSlots(client, id)).toEqual([]));
    const shown = await detail(client, id);
    expect(shown.messages.map(text)).toEqual(["Name a colour", "Red"]);
    const cost = shown.messages[1].metadata!.cost!.neurons;
    await vi.waitFor(async () => expect(await spentToday(client)).toBeCloseTo(cost, 6));
  });

  it("a model that fails settles its own answer at once, while the other's worst case stays held until it ends", async () => {
    let held!: ReturnType<typeof heldSseStream>;
    useAi({
      [A]: (s) => (held = heldSseStream(legacyChunks(["Still ", "going"]), 1, s)).stream,
      [B]: () => {
        throw bindingError(
          5021,
          "The estimated number of input and maximum output tokens (9000) exceeded this model context window limit (8192).",
        );
      },
    });
    const client = await newClient();
    const id = newConversationId();
    const question = userMessage("Name a tree");
    await started(await compare(client, { id, messages: [question], models: [A, B] }));
    await vi.waitFor(async () => expect(await runningSlots(client, id)).toEqual([0]));

    // B's answer is saved as failed with its own cost (what a failed chat answer is charged), settled
    // now; A's reservation, its own worst case, is all that is still held.
    const [failed] = (await everyMessage(client, id)).filter((m) => m.role === "assistant");
    expect(failed.metadata).toMatchObject({ model: B, status: "failed" });
    expect(failed.metadata.cost.neurons).toBe(priced(B, failed.metadata.usage));
    const heldForA = Math.ceil(await worstCase(A, question));
    await vi.waitFor(async () => expect(await spentToday(client)).toBeCloseTo(heldForA + failed.metadata.cost.neurons, 6));

    await release(client, held);
    await vi.waitFor(async () => expect(await runningSlots(client, id)).toEqual([]));
    const done = (await everyMessage(client, id)).find((m) => m.role === "assistant" && m.metadata.model === A);
    expect(done.metadata.status).toBe("complete");
    await vi.waitFor(async () =>
      expect(await spentToday(client)).toBeCloseTo(done.metadata.cost.neurons + failed.metadata.cost.neurons, 6),
    );
  });

  it("refuses the whole turn, saving nothing, when no answer can be paid for", async () => {
    const fake = useAi({ [A]: ["x"], [B]: ["y"] });
    const client = await newClient(appWith({ GUEST_DAILY_NEURONS: "1" }));
    const id = newConversationId();
    const response = await compare(client, { id, messages: [userMessage("Hi")], models: [A, B] });
    expect(response.status).toBe(429);
    expect(((await response.json()) as any).error.code).toBe("budget_exhausted");
    expect(fake.calls).toHaveLength(0);
    expect((await client.fetch(`/api/conversations/${id}`)).status).toBe(404);
  });

  it("stops one answer alone: it is saved as stopped and settled, the other runs to its end", async () => {
    const held: Record<string, ReturnType<typeof heldSseStream>> = {};
    const signals: Record<string, AbortSignal> = {};
    useAi({
      [A]: (s) => ((signals.a = s), (held.a = heldSseStream(legacyChunks(["Keep ", "going"]), 1, s))).stream,
      [B]: (s) => ((signals.b = s), (held.b = heldSseStream(legacyChunks(["Cut ", "short"]), 1, s))).stream,
    });
    const client = await newClient();
    const id = newConversationId();
    await started(await compare(client, { id, messages: [userMessage("Go")], models: [A, B] }));
    await readUntil(await client.fetch(`/api/chat/compare/${id}/stream?slot=1`), "Cut ");

    const stop = await client.fetch(`/api/chat/compare/${id}/stop?slot=1`, { method: "POST" });
    expect(stop.status).toBe(200);
    const { message } = (await stop.json()) as { message: any };
    expect(text(message)).toBe("Cut ");
    expect(message.metadata).toMatchObject({ model: B, status: "stopped", cost: { estimated: true } });
    expect(signals.b.aborted).toBe(true);
    expect(signals.a.aborted).toBe(false);
    expect(await runningSlots(client, id)).toEqual([0]);

    await release(client, held.a);
    await vi.waitFor(async () => expect(await runningSlots(client, id)).toEqual([]));
    const answers = (await everyMessage(client, id)).filter((m) => m.role === "assistant");
    expect(answers.map((m) => [m.metadata.model, m.metadata.status]).sort()).toEqual(
      [
        [B, "stopped"],
        [A, "complete"],
      ].sort(),
    );
    const total = answers.reduce((sum, m) => sum + m.metadata.cost.neurons, 0);
    await vi.waitFor(async () => expect(await spentToday(client)).toBeCloseTo(total, 6));
    // Nothing left to stop.
    expect((await client.fetch(`/api/chat/compare/${id}/stop?slot=1`, { method: "POST" })).status).toBe(204);
  });

  it("a second page rejoins each answer from its start; an ended one answers 204", async () => {
    const held: Record<string, ReturnType<typeof heldSseStream>> = {};
    useAi({
      [A]: (s) => (held.a = heldSseStream(legacyChunks(["One ", "two"]), 1, s)).stream,
      [B]: ["Done"],
    });
    const client = await newClient();
    const id = newConversationId();
    const start = await started(await compare(client, { id, messages: [userMessage("Count")], models: [A, B] }));
    await vi.waitFor(async () => expect(await runningSlots(client, id)).toEqual([0]));
    expect((await client.fetch(`/api/chat/compare/${id}/stream?slot=1`)).status).toBe(204);

    const first = await readUntil(await client.fetch(`/api/chat/compare/${id}/stream?slot=0`), "One ");
    const rejoined = await client.fetch(`/api/chat/compare/${id}/stream?slot=0`);
    const second = await readUntil(rejoined, "One ");
    await release(client, held.a);
    const rest = async ({ reader, received }: Awaited<ReturnType<typeof readUntil>>) => {
      let all = received;
      for (let next = await reader.read(); !next.done; next = await reader.read()) all += new TextDecoder().decode(next.value);
      return readUiStream(new Response(all));
    };
    const [x, y] = await Promise.all([rest(first), rest(second)]);
    expect(textOf(x)).toBe("One two");
    expect(textOf(y)).toBe("One two");
    expect(y[0]).toMatchObject({ type: "start", messageId: "messageId" in start.slots[0] ? start.slots[0].messageId : "" });
  });

  it("keep this one: switching to an answer shows it, and the next question follows it", async () => {
    useAi({ [A]: ["From A"], [B]: ["From B"], [C]: ["From C"] });
    const client = await newClient();
    const id = newConversationId();
    const question = userMessage("Say where you are from");
    const start = await started(await compare(client, { id, messages: [question], models: [A, B, C] }));
    await vi.waitFor(async () => expect(await runningSlots(client, id)).toEqual([]));
    const ids = start.slots.map((s) => ("messageId" in s ? s.messageId : ""));
    const before = await detail(client, id);
    expect(before.messages).toHaveLength(2);
    expect(before.siblings?.[before.messages[1].id]?.sort()).toEqual([...ids].sort());

    const kept = ids[2];
    const switched = await client.json(`/api/conversations/${id}/branch`, "POST", { messageId: kept });
    expect(switched.status).toBe(200);
    const shown = await detail(client, id);
    expect(shown.messages.map(text)).toEqual(["Say where you are from", "From C"]);

    // Continuing: the next question is asked on the kept answer's branch.
    const next = userMessage("And then?");
    const fake = recordedRun(() => sseStream(legacyChunks(["Onwards"])));
    vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
    await readUiStream(await client.chat({ id, messages: [...shown.messages, next] }));
    const after = await detail(client, id);
    expect(after.messages.map(text)).toEqual(["Say where you are from", "From C", "And then?", "Onwards"]);
    const sent = (fake.calls[0].inputs.messages as { role: string; content: string }[]).map((m) => m.content);
    expect(sent).toContain("From C");
    expect(sent).not.toContain("From A");
  });

  it("another person cannot rejoin or stop someone's compare answers", async () => {
    const held: Record<string, ReturnType<typeof heldSseStream>> = {};
    useAi({
      [A]: (s) => (held.a = heldSseStream(legacyChunks(["Mine ", "only"]), 1, s)).stream,
      [B]: (s) => (held.b = heldSseStream(legacyChunks(["Also ", "mine"]), 1, s)).stream,
    });
    const owner = await newClient();
    const id = newConversationId();
    await started(await compare(owner, { id, messages: [userMessage("Private")], models: [A, B] }));
    const stranger = await newClient();
    for (const slot of [0, 1]) {
      expect((await stranger.fetch(`/api/chat/compare/${id}/stream?slot=${slot}`)).status).toBe(204);
      expect((await stranger.fetch(`/api/chat/compare/${id}/stop?slot=${slot}`, { method: "POST" })).status).toBe(204);
    }
    expect(await runningSlots(owner, id)).toEqual([0, 1]);
    await release(owner, held.a);
    await release(owner, held.b);
    await vi.waitFor(async () => expect(await runningSlots(owner, id)).toEqual([]));
    expect((await everyMessage(owner, id)).filter((m) => m.role === "assistant").map((m) => m.metadata.status)).toEqual([
      "complete",
      "complete",
    ]);
  });

  it("the chat's own Stop (POST /api/chat/:id/stop) stops every compare answer, each still saved and settled", async () => {
    useAi({
      [A]: (s) => heldSseStream(legacyChunks(["a1 ", "a2"]), 1, s).stream,
      [B]: (s) => heldSseStream(legacyChunks(["b1 ", "b2"]), 1, s).stream,
    });
    const client = await newClient();
    const id = newConversationId();
    const q = userMessage("First");
    await started(await compare(client, { id, messages: [q], models: [A, B] }));
    await readUntil(await client.fetch(`/api/chat/compare/${id}/stream?slot=1`), "b1 ");
    await readUntil(await client.fetch(`/api/chat/compare/${id}/stream?slot=0`), "a1 ");
    const response = await client.fetch(`/api/chat/${id}/stop`, { method: "POST" });
    expect(response.status).toBe(200);
    expect(await runningSlots(client, id)).toEqual([]);
    const answers = (await everyMessage(client, id)).filter((m) => m.role === "assistant");
    expect(answers.map((m) => m.metadata.status)).toEqual(["stopped", "stopped"]);
    const total = answers.reduce((sum, m) => sum + m.metadata.cost.neurons, 0);
    await vi.waitFor(async () => expect(await spentToday(client)).toBeCloseTo(total, 6));
  });

  it("a restart mid-way saves each slot's text so far as an interrupted version, each settled on its own", async () => {
    useAi({
      [A]: (s) => heldSseStream(legacyChunks(["Alpha ", "beta"]), 1, s).stream,
      [B]: (s) => heldSseStream(legacyChunks(["Gamma ", "delta"]), 1, s).stream,
    });
    const client = await newClient();
    const id = newConversationId();
    await started(await compare(client, { id, messages: [userMessage("Interrupt us")], models: [A, B] }));
    // Wait until each slot's text so far is written (RECORD_BATCH): a state, not a duration.
    await vi.waitFor(() =>
      runInDurableObject(personsStore(client), (_store, state) => {
        const rows = state.storage.sql.exec<{ slot: number; body: string }>(`SELECT slot, body FROM answer_chunks`).toArray();
        expect(rows.filter((r) => r.body.includes("Alpha ")).map((r) => r.slot)).toEqual([0]);
        expect(rows.filter((r) => r.body.includes("Gamma ")).map((r) => r.slot)).toEqual([1]);
      }),
    );

    await abortAllDurableObjects();
    const answers = (await everyMessage(client, id)).filter((m) => m.role === "assistant");
    expect(answers.map((m) => [m.metadata.model, text(m), m.metadata.status]).sort()).toEqual(
      [
        [A, "Alpha ", "interrupted"],
        [B, "Gamma ", "interrupted"],
      ].sort(),
    );
    for (const m of answers) expect(m.metadata.cost.neurons).toBe(priced(m.metadata.model, m.metadata.usage));
    const total = answers.reduce((sum, m) => sum + m.metadata.cost.neurons, 0);
    await vi.waitFor(async () => expect(await spentToday(client)).toBeCloseTo(total, 6));
    expect(await runningSlots(client, id)).toEqual([]);
  });

  it("checks the request: 2–3 different catalog models and a question with text", async () => {
    const fake = useAi({});
    const client = await newClient();
    const id = newConversationId();
    const ask = (body: Record<string, unknown>) => compare(client, { id, messages: [userMessage("Hi")], ...body });
    const cases: [Record<string, unknown>, number, string][] = [
      [{ models: [A] }, 400, "bad_request"],
      [{ models: [A, B, C, "@cf/openai/gpt-oss-20b"] }, 400, "bad_request"],
      [{ models: [A, A] }, 400, "bad_request"],
      [{ models: [A, "@cf/nobody/no-such-model"] }, 400, "unknown_model"],
      [{ models: [A, B], messages: [userMessage("   ")] }, 400, "bad_request"],
    ];
    for (const [body, status, code] of cases) {
      const response = await ask(body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(((await response.json()) as any).error.code).toBe(code);
    }
    expect((await client.fetch(`/api/chat/compare/${id}/stream?slot=7`)).status).toBe(400);
    expect(fake.calls).toHaveLength(0);
  });
});
