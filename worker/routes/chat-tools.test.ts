/**
 * The tool loop (issue 23): chat answers call tools in the person's Durable Object, with approvals
 * and per-step spend. Workers AI is a TEST DOUBLE (recorded format, tool calls in both of its
 * shapes); the built-in tools are scripted here through the store's `builtinTools` seam, so each
 * test decides what a tool does (the real built-ins have their own tests in worker/tools/builtins/).
 */
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { tool, type Tool } from "ai";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { DEFAULT_CHAT_MODEL, findChatModel } from "../../contract/models";
import { tokenCost } from "../../contract/pricing";
import type { UserStore } from "../store/user-store";
import { appWith, newConversationId, readUiStream, readUntil, TestClient, userMessage } from "../test/client";
import { heldSseStream, openAiChunks, recordedRun, sseStream, toolCallChunks, type RecordedCall } from "../test/recorded-ai";

afterEach(() => vi.restoreAllMocks());

/** Each model call answers with the next scripted stream. */
function useAi(...answers: ((call: RecordedCall) => ReadableStream<Uint8Array>)[]) {
  const fake = recordedRun((call) => answers[Math.min(fake.calls.length - 1, answers.length - 1)](call));
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  return fake;
}

const callsTool =
  (name: string, args: Record<string, unknown>, format: "openai" | "native" = "openai") =>
  () =>
    sseStream(toolCallChunks([{ id: `call_${name}`, name, arguments: args }], format));
const says = (text: string) => () => sseStream(openAiChunks([text], { prompt_tokens: 400, completion_tokens: 5, total_tokens: 405 }));

async function newClient(handler?: (request: Request) => Promise<Response>) {
  const client = new TestClient(undefined, undefined, handler ?? null);
  await client.startGuest();
  return client;
}

function personsStore(client: TestClient) {
  return env.USER_STORE.get(env.USER_STORE.idFromName(client.userId!));
}

/** Scripted built-ins for this person's next answers (the store's seam), and how often each ran with what. */
async function useTools(client: TestClient, tools: Record<string, Tool>, limits: { timeoutMs?: number } = {}) {
  await runInDurableObject(personsStore(client), (store: UserStore) => {
    store.person.seams.builtinTools = (() => tools) as never;
    store.person.seams.toolLimits = limits;
  });
}

function scripted(run: (input: any, options: { abortSignal?: AbortSignal }) => unknown) {
  const inputs: unknown[] = [];
  const made = tool({
    description: "A scripted tool.",
    inputSchema: z.object({}).passthrough(),
    execute: async (input: any, options: any) => {
      inputs.push(input);
      return run(input, options);
    },
  });
  return Object.assign(made, { inputs });
}

async function stored(client: TestClient, id: string): Promise<any[]> {
  const response = await client.fetch(`/api/conversations/${id}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { messages: any[] }).messages;
}

async function answered(client: TestClient, id: string): Promise<any> {
  await vi.waitFor(async () => expect((await stored(client, id))[1]?.metadata?.status).toBeDefined());
  return (await stored(client, id)).at(-1);
}

const toolParts = (message: any) => message.parts.filter((p: any) => p.type.startsWith("tool-") || p.type === "dynamic-tool");
const textOf = (message: any) =>
  message.parts
    .filter((p: any) => p.type === "text")
    .map((p: any) => p.text)
    .join("");
const sentToModel = (call: RecordedCall) => JSON.stringify(call.inputs.messages);

async function spentToday(client: TestClient): Promise<number> {
  return ((await (await client.fetch("/api/status")).json()) as { budget: { used: number } }).budget.used;
}

describe("a chat answer calls tools", () => {
  it("a call, its result back to the model, then the final text: one message, saved with its tool part", async () => {
    const calculate = scripted(() => ({ result: "4" }));
    const fake = useAi(callsTool("calculate", { expression: "2+2" }), says("It is 4."));
    const client = await newClient();
    await useTools(client, { calculate });
    const id = newConversationId();
    const chunks = await readUiStream(await client.chat({ id, messages: [userMessage("What is 2+2?")] }));

    expect(chunks.map((c) => c.type)).toContain("tool-output-available");
    expect(calculate.inputs).toEqual([{ expression: "2+2" }]);
    expect(fake.calls).toHaveLength(2);
    // The tools went to the model, and the second call carried the first call's result.
    expect((fake.calls[0].inputs.tools as any[]).map((t) => t.function?.name ?? t.name)).toContain("calculate");
    expect(sentToModel(fake.calls[1])).toContain('\\"result\\":\\"4\\"');
    const answer = await answered(client, id);
    expect(answer.metadata.status).toBe("complete");
    expect(toolParts(answer)).toEqual([
      expect.objectContaining({ type: "tool-calculate", state: "output-available", input: { expression: "2+2" }, output: { result: "4" } }),
    ]);
    expect(textOf(answer)).toBe("It is 4.");
  });

  it("regenerate keeps the tool answer as a version; switching back shows its tool part; a question on it sends the model the call and its result", async () => {
    const calculate = scripted(({ expression }) => ({ result: expression === "2+2" ? "4" : "6" }));
    const fake = useAi(
      callsTool("calculate", { expression: "2+2" }),
      says("It is 4."),
      callsTool("calculate", { expression: "3+3" }),
      says("It is 6."),
      says("Yes."),
    );
    const client = await newClient();
    await useTools(client, { calculate });
    const id = newConversationId();
    const question = userMessage("Add something");
    await readUiStream(await client.chat({ id, messages: [question] }));
    const first = await answered(client, id);

    await readUiStream(await client.chat({ id, messages: [question], trigger: "regenerate-message", messageId: first.id }));
    await vi.waitFor(async () => expect(textOf((await stored(client, id)).at(-1))).toBe("It is 6."));
    const second = (await stored(client, id)).at(-1);
    expect(second.id).not.toBe(first.id);
    expect(toolParts(second)).toEqual([expect.objectContaining({ state: "output-available", output: { result: "6" } })]);

    const switched = await client.json(`/api/conversations/${id}/branch`, "POST", { messageId: first.id });
    expect(switched.status).toBe(200);
    const back = (await stored(client, id)).at(-1);
    expect(back.id).toBe(first.id);
    expect(toolParts(back)).toEqual([expect.objectContaining({ state: "output-available", output: { result: "4" } })]);

    await readUiStream(await client.chat({ id, messages: [question, back, userMessage("Sure?")] }));
    const asked = sentToModel(fake.calls.at(-1)!);
    expect(asked).toContain("2+2");
    expect(asked).toContain('\\"result\\":\\"4\\"');
    expect(asked).not.toContain("3+3");
  });

  it("reads tool calls in Workers AI's native shape too (tool_calls at the top level)", async () => {
    const calculate = scripted(() => ({ result: "9" }));
    useAi(callsTool("calculate", { expression: "3*3" }, "native"), says("Nine."));
    const client = await newClient();
    await useTools(client, { calculate });
    const id = newConversationId();
    await readUiStream(await client.chat({ id, messages: [userMessage("3*3?")] }));
    expect(calculate.inputs).toEqual([{ expression: "3*3" }]);
    expect(textOf(await answered(client, id))).toBe("Nine.");
  });

  it("a tool that throws becomes an output-error in words, the model reads it, and the answer goes on", async () => {
    const calculate = scripted(() => {
      throw new Error("Division by zero");
    });
    const fake = useAi(callsTool("calculate", { expression: "1/0" }), says("That cannot be computed."));
    const client = await newClient();
    await useTools(client, { calculate });
    const id = newConversationId();
    await readUiStream(await client.chat({ id, messages: [userMessage("1/0?")] }));
    const answer = await answered(client, id);
    expect(answer.metadata.status).toBe("complete");
    expect(toolParts(answer)[0]).toMatchObject({ state: "output-error", errorText: "Calculator failed: Division by zero" });
    expect(sentToModel(fake.calls[1])).toContain("Calculator failed: Division by zero");
    expect(textOf(answer)).toBe("That cannot be computed.");
  });

  it("a tool that takes too long is stopped (its signal fires) and becomes a tool error", async () => {
    let aborted = false;
    const calculate = scripted(
      (_input, { abortSignal }) =>
        new Promise((_, reject) =>
          abortSignal?.addEventListener("abort", () => {
            aborted = true;
            reject(new Error("aborted"));
          }),
        ),
    );
    const fake = useAi(callsTool("calculate", { expression: "slow" }), says("It took too long."));
    const client = await newClient();
    await useTools(client, { calculate }, { timeoutMs: 30 });
    const id = newConversationId();
    await readUiStream(await client.chat({ id, messages: [userMessage("slow")] }));
    const answer = await answered(client, id);
    expect(toolParts(answer)[0]).toMatchObject({ state: "output-error", errorText: expect.stringContaining("took longer than") });
    expect(aborted).toBe(true);
    expect(fake.calls).toHaveLength(2);
    expect(answer.metadata.status).toBe("complete");
  });

  it("caps a tool's output before the model and the saved answer see it, and says so", async () => {
    const read_web_page = scripted(() => ({ title: "Big", text: "word ".repeat(20_000) }));
    const fake = useAi(callsTool("read_web_page", { url: "https://example.com" }), says("Read it."));
    const client = await newClient();
    await useTools(client, { read_web_page });
    const id = newConversationId();
    await readUiStream(await client.chat({ id, messages: [userMessage("Read it")], alwaysAllow: ["read_web_page"] }));
    const output = toolParts(await answered(client, id))[0].output;
    expect(output.title).toBe("Big");
    expect(JSON.stringify(output).length).toBeLessThanOrEqual(16_000);
    expect(output.text).toContain("[Cut: the tool's output was 100,000 characters");
    expect(sentToModel(fake.calls[1]).length).toBeLessThan(40_000);
  });

  it("honours the conversation's step limit", async () => {
    const calculate = scripted(() => ({ result: "again" }));
    const fake = useAi(callsTool("calculate", { expression: "1" }));
    const client = await newClient();
    await useTools(client, { calculate });
    const id = newConversationId();
    await readUiStream(await client.chat({ id, messages: [userMessage("Loop")], maxSteps: 2 }));
    const answer = await answered(client, id);
    expect(fake.calls).toHaveLength(2);
    expect(toolParts(answer)).toHaveLength(2);
    expect(answer.metadata.status).toBe("complete");
  });

  it("a model the catalog does not flag `tools` gets no tools", async () => {
    const calculate = scripted(() => ({ result: "4" }));
    const fake = useAi(says("No tools here."));
    const client = await newClient();
    await useTools(client, { calculate });
    const id = newConversationId();
    await readUiStream(await client.chat({ id, messages: [userMessage("2+2?")], model: "@cf/meta/llama-3.2-1b-instruct" }));
    expect(fake.calls[0].inputs.tools).toBeUndefined();
    expect(textOf(await answered(client, id))).toBe("No tools here.");
  });

  it("no tool on (settings.tools empty) is a plain answer", async () => {
    const fake = useAi(says("Plain."));
    const client = await newClient();
    await useTools(client, { calculate: scripted(() => 1) });
    const id = newConversationId();
    await readUiStream(await client.chat({ id, messages: [userMessage("Hi")], tools: [] }));
    expect(fake.calls[0].inputs.tools).toBeUndefined();
  });
});

describe("approvals", () => {
  async function askForImage(
    client: TestClient,
    id: string,
    fake = useAi(callsTool("generate_image", { prompt: "a cat" }), says("Here is your cat.")),
  ) {
    const generate_image = scripted((input) => ({ imageId: "img1", url: "/api/images/img1", prompt: input.prompt }));
    await useTools(client, { generate_image });
    const question = userMessage("Draw a cat");
    await readUiStream(await client.chat({ id, messages: [question] }));
    const waiting = await answered(client, id);
    return { generate_image, fake, question, waiting };
  }

  /** What useChat sends after addToolApprovalResponse: the path, the last message the answer with its decisions. */
  function decided(messages: any[], decide: (part: any) => any) {
    const answer = messages.at(-1);
    return [
      ...messages.slice(0, -1),
      { ...answer, parts: answer.parts.map((p: any) => (p.state === "approval-requested" ? decide(p) : p)) },
    ];
  }
  const allow = (part: any) => ({ ...part, state: "approval-responded", approval: { ...part.approval, approved: true } });
  const deny = (part: any) => ({
    ...part,
    state: "approval-responded",
    approval: { ...part.approval, approved: false, reason: "Not now." },
  });

  it("a tool that needs approval ends the answer waiting; allowing it runs the tool and the same answer goes on", async () => {
    const client = await newClient();
    const id = newConversationId();
    const { generate_image, fake, waiting } = await askForImage(client, id);
    expect(waiting.metadata.status).toBe("complete");
    expect(toolParts(waiting)).toEqual([expect.objectContaining({ state: "approval-requested", input: { prompt: "a cat" } })]);
    expect(generate_image.inputs).toEqual([]);
    expect(fake.calls).toHaveLength(1);

    const response = await client.chat({ id, messages: decided(await stored(client, id), allow) });
    expect(response.status).toBe(200);
    const chunks = await readUiStream(response);
    // The asking page has the answer so far: its stream starts with the continuation, not a replay.
    expect(chunks[0]).toMatchObject({ type: "start", messageId: waiting.id });
    expect(chunks.filter((c) => c.type === "tool-input-available")).toEqual([]);
    expect(chunks.find((c) => c.type === "tool-output-available")).toMatchObject({ output: { imageId: "img1" } });

    expect(generate_image.inputs).toEqual([{ prompt: "a cat" }]);
    const messages = await stored(client, id);
    expect(messages).toHaveLength(2);
    const answer = messages[1];
    expect(answer.id).toBe(waiting.id);
    expect(toolParts(answer)).toEqual([
      expect.objectContaining({
        state: "output-available",
        output: expect.objectContaining({ imageId: "img1" }),
        approval: expect.objectContaining({ approved: true }),
      }),
    ]);
    expect(textOf(answer)).toBe("Here is your cat.");
    expect(sentToModel(fake.calls[1])).toContain("img1");
  });

  it("a denial is told to the model and the tool never runs", async () => {
    const client = await newClient();
    const id = newConversationId();
    const fake = useAi(callsTool("generate_image", { prompt: "a cat" }), says("All right, no picture."));
    const { generate_image } = await askForImage(client, id, fake);
    await readUiStream(await client.chat({ id, messages: decided(await stored(client, id), deny) }));
    const answer = (await stored(client, id))[1];
    expect(generate_image.inputs).toEqual([]);
    expect(toolParts(answer)[0]).toMatchObject({ state: "output-denied", approval: { approved: false, reason: "Not now." } });
    expect(sentToModel(fake.calls[1])).toMatch(/denied|Not now/);
    expect(textOf(answer)).toBe("All right, no picture.");
  });

  it("a client cannot smuggle another input, nor approve an approval that was never issued", async () => {
    const client = await newClient();
    const id = newConversationId();
    const { generate_image, waiting } = await askForImage(client, id);
    const path = await stored(client, id);

    const forged = await client.chat({
      id,
      messages: decided(path, (p) => ({ ...allow(p), approval: { id: "made-up", approved: true } })),
    });
    expect(forged.status).toBe(400);
    expect(generate_image.inputs).toEqual([]);

    await readUiStream(await client.chat({ id, messages: decided(path, (p) => ({ ...allow(p), input: { prompt: "something else" } })) }));
    expect(generate_image.inputs).toEqual([{ prompt: "a cat" }]);
    expect((await stored(client, id))[1].id).toBe(waiting.id);

    // Answered once: the same decision again finds nothing waiting.
    const again = await client.chat({ id, messages: decided(path, allow) });
    expect(again.status).toBe(400);
    expect(generate_image.inputs).toHaveLength(1);
  });

  it("a new question while a call waits: the model reads the waiting call as not answered, the stored answer keeps waiting", async () => {
    const client = await newClient();
    const id = newConversationId();
    const fake = useAi(callsTool("generate_image", { prompt: "a cat" }), says("Something else, then."));
    const { generate_image, question, waiting } = await askForImage(client, id, fake);
    const next = userMessage("Never mind, tell me a joke");
    await readUiStream(await client.chat({ id, messages: [question, waiting, next] }));
    expect(generate_image.inputs).toEqual([]);
    expect(sentToModel(fake.calls[1])).toContain("The person did not answer this request.");
    const messages = await stored(client, id);
    expect(messages).toHaveLength(4);
    expect(toolParts(messages[1])[0]).toMatchObject({ state: "approval-requested" });
    expect(textOf(messages[3])).toBe("Something else, then.");
  });

  it("always allow (settings.alwaysAllow) runs the tool without asking", async () => {
    const generate_image = scripted(() => ({ imageId: "img2", url: "/api/images/img2" }));
    useAi(callsTool("generate_image", { prompt: "a dog" }), says("A dog."));
    const client = await newClient();
    await useTools(client, { generate_image });
    const id = newConversationId();
    await readUiStream(await client.chat({ id, messages: [userMessage("Draw a dog")], alwaysAllow: ["generate_image"] }));
    const answer = await answered(client, id);
    expect(generate_image.inputs).toEqual([{ prompt: "a dog" }]);
    expect(toolParts(answer)[0]).toMatchObject({ state: "output-available", approval: { approved: true, isAutomatic: true } });
    expect(textOf(answer)).toBe("A dog.");
  });
});

describe("spend per step", () => {
  it("each step is settled at what it cost", async () => {
    useAi(callsTool("calculate", { expression: "2+2" }), says("4."));
    const client = await newClient();
    await useTools(client, { calculate: scripted(() => ({ result: "4" })) });
    const id = newConversationId();
    await readUiStream(await client.chat({ id, messages: [userMessage("2+2")] }));
    await answered(client, id);
    // Step one: 300 in, 20 out (toolCallChunks); step two: 400 in, 5 out (says).
    await vi.waitFor(async () => expect(await spentToday(client)).toBe(priced(300, 20) + priced(400, 5)));
  });

  it("a budget that refuses step two ends the loop there: the answer is saved with a note, step one settled", async () => {
    // What step one reserves, measured on another person with the same question and tools.
    let upstream!: ReturnType<typeof heldSseStream>;
    useAi((call) => {
      upstream = heldSseStream(
        toolCallChunks([{ name: "calculate", arguments: { expression: "2+2" } }]),
        0,
        call.options?.signal as AbortSignal,
      );
      return upstream.stream;
    });
    const measuring = await newClient();
    await useTools(measuring, { calculate: scripted(() => ({ result: "4" })) });
    const measured = newConversationId();
    const asking = await measuring.chat({ id: measured, messages: [userMessage("2+2 please")], maxSteps: 1 });
    const stepOne = await spentToday(measuring);
    await runInDurableObject(personsStore(measuring), () => upstream.release());
    await readUiStream(asking);
    expect(stepOne).toBeGreaterThan(0);

    const fake = useAi(callsTool("calculate", { expression: "2+2" }), says("never"));
    const client = await newClient(appWith({ GUEST_DAILY_NEURONS: String(Math.ceil(stepOne) + 1) }));
    await useTools(client, { calculate: scripted(() => ({ result: "4" })) });
    const id = newConversationId();
    await readUiStream(await client.chat({ id, messages: [userMessage("2+2 please")] }));
    const answer = await answered(client, id);
    expect(fake.calls).toHaveLength(1);
    expect(answer.metadata.status).toBe("complete");
    expect(answer.metadata.note).toMatch(/stopped after 1 model calls: the next one could not be paid for/);
    expect(toolParts(answer)[0]).toMatchObject({ state: "output-available" });
    await vi.waitFor(async () => expect(await spentToday(client)).toBe(priced(300, 20)));
  });
});

describe("a loop outlives the tab", () => {
  /** Step one calls the tool; step two's answer is held after its first piece until released. */
  function heldSecondStep() {
    let upstream!: ReturnType<typeof heldSseStream>;
    const fake = useAi(callsTool("calculate", { expression: "2+2" }), (call) => {
      upstream = heldSseStream(openAiChunks(["Done ", "now."]), 1, call.options?.signal as AbortSignal);
      return upstream.stream;
    });
    return { fake, upstream: () => upstream };
  }

  it("a page that rejoins mid-loop (GET …/stream) gets the tool call, its result and the rest live", async () => {
    const { upstream } = heldSecondStep();
    const client = await newClient();
    await useTools(client, { calculate: scripted(() => ({ result: "4" })) });
    const id = newConversationId();
    const asking = await client.chat({ id, messages: [userMessage("2+2")] });
    await readUntil(asking, "Done ");

    const rejoined = await client.fetch(`/api/chat/${id}/stream`);
    expect(rejoined.status).toBe(200);
    await runInDurableObject(personsStore(client), () => upstream().release());
    const chunks = await readUiStream(rejoined);
    expect(chunks[0]).toMatchObject({ type: "start" });
    expect(chunks.find((c) => c.type === "tool-input-available")).toMatchObject({ toolName: "calculate", input: { expression: "2+2" } });
    expect(chunks.find((c) => c.type === "tool-output-available")).toMatchObject({ output: { result: "4" } });
    expect(
      chunks
        .filter((c) => c.type === "text-delta")
        .map((c) => c.delta)
        .join(""),
    ).toBe("Done now.");
    const answer = await answered(client, id);
    expect(answer.metadata.status).toBe("complete");
    expect(toolParts(answer)[0]).toMatchObject({ state: "output-available" });
  });

  it("a restart mid-loop keeps the tool part and the text so far, marked interrupted, and settles what the run row held", async () => {
    heldSecondStep();
    const client = await newClient();
    await useTools(client, { calculate: scripted(() => ({ result: "4" })) });
    const id = newConversationId();
    const { reader } = await readUntil(await client.chat({ id, messages: [userMessage("2+2")] }), "Done ");
    await vi.waitFor(() =>
      runInDurableObject(personsStore(client), (_store, state) => {
        const written = state.storage.sql
          .exec<{ body: string }>(`SELECT body FROM answer_chunks`)
          .toArray()
          .map((r) => r.body)
          .join("");
        expect(written).toContain("Done ");
      }),
    );
    await abortAllDurableObjects();
    await reader.cancel().catch(() => {});

    const answer = (await stored(client, id))[1];
    expect(answer.metadata.status).toBe("interrupted");
    expect(toolParts(answer)).toEqual([expect.objectContaining({ state: "output-available", output: { result: "4" } })]);
    expect(textOf(answer)).toBe("Done ");
    // Step one was settled at its cost when step two was reserved; recovery settled step two's reservation.
    await vi.waitFor(async () => expect(await spentToday(client)).toBe(priced(300, 20) + answer.metadata.cost.neurons));
  });
});

const priced = (input: number, output: number) => tokenCost(findChatModel(DEFAULT_CHAT_MODEL)!.price, input, output);
