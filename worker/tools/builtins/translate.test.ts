/**
 * The `translate` tool and the built-in Translator. Workers AI is a TEST DOUBLE (worker/test/recorded-ai.ts):
 * the chat model's calls replay recorded streams (a call of `translate`, then text), and m2m100's
 * answer is scripted in its documented shape, `{ translated_text }`. The spend is the real one (the
 * person's SpendLedger), read back from the budget and the usage chart.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { findBuiltinAssistant } from "../../../contract/assistants";
import { TRANSLATE_MAX_CHARS } from "../../../contract/builtin-tools";
import { findTranslationModel, TRANSLATION_MODEL } from "../../../contract/models";
import type { MyUsage } from "../../../contract/usage";
import { type Budgets, budgetStatus } from "../../spend/spend";
import { newConversationId, readUiStream, TestClient, userMessage } from "../../test/client";
import { bindingError, openAiChunks, recordedRun, sseStream, toolCallChunks, type RecordedCall } from "../../test/recorded-ai";
import { type TranslateDeps, translateTool, translationCost, translationWorstCase } from "./translate";
import { appFailure } from "../../test/app-failure";

afterEach(() => vi.restoreAllMocks());

const M2M100 = findTranslationModel(TRANSLATION_MODEL)!;

function useAi(answer: (call: RecordedCall) => unknown | Promise<unknown>) {
  const fake = recordedRun(answer);
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  return fake;
}

const translated = (text: string) => () => ({ translated_text: text });

/** A guest with their own daily budget, and what they have spent of it. */
function person(guestBudget = 10_000, overrides: Partial<Env> = {}) {
  const budgets: Budgets = { guest: guestBudget, account: 0, global: 0, address: 0, addressBlock: 0 };
  const deps: TranslateDeps = {
    env: { ...env, ...overrides } as Env,
    payer: { userId: crypto.randomUUID(), person: { kind: "guest", owner: false }, address: "local", budgets },
  };
  const spent = async () => (await budgetStatus({ ...env, GUEST_DAILY_NEURONS: String(guestBudget) }, deps.payer)).used;
  return { deps, spent };
}

async function run(deps: TranslateDeps, input: { text: string; source_lang: string; target_lang: string }) {
  return translateTool(deps).execute!(input, { toolCallId: "call-1", messages: [], context: undefined });
}

describe("the translation catalog entry", () => {
  it("prices m2m100 at its published $0.34 per M tokens each way: about 30.91 neurons per 1,000", () => {
    expect(M2M100.price).toEqual({ inputPerM: 30_909, outputPerM: 30_909, source: "published" });
  });
});

describe("translate", () => {
  it("calls m2m100 with the text and both languages, returns the translation, and settles what it counts", async () => {
    const fake = useAi(translated("Bonjour, le monde."));
    const { deps, spent } = person();
    const output = await run(deps, { text: "  Hello, world. ", source_lang: "en", target_lang: "French" });

    expect(fake.calls.map((c) => [c.model, c.inputs])).toEqual([
      [TRANSLATION_MODEL, { text: "Hello, world.", source_lang: "en", target_lang: "french" }],
    ]);
    expect(output).toEqual({ translation: "Bonjour, le monde.", from: "en", to: "french", model: TRANSLATION_MODEL });
    const cost = translationCost(M2M100, "Hello, world.", "Bonjour, le monde.");
    // 13 + 2 tokens in, 18 + 2 out, at 30,909 neurons per M each way: rounded up to one neuron.
    expect(cost).toBe(Math.ceil((15 * 30_909 + 20 * 30_909) / 1_000_000));
    expect(await spent()).toBe(cost);
  });

  it("refuses a text over the limit in words before anything is reserved or called", async () => {
    const fake = useAi(translated("never"));
    const { deps, spent } = person();
    const error = await appFailure(run(deps, { text: "a".repeat(TRANSLATE_MAX_CHARS + 1), source_lang: "en", target_lang: "fr" }));
    expect(error.code).toBe("tool_input");
    expect(error.message).toBe(
      "The text is 4,001 characters; translate takes at most 4,000 at a time. Split it at paragraph breaks and translate each part.",
    );
    expect(fake.calls).toEqual([]);
    expect(await spent()).toBe(0);
    // The limit itself is accepted.
    await run(deps, { text: "a".repeat(TRANSLATE_MAX_CHARS), source_lang: "en", target_lang: "fr" });
    expect(fake.calls).toHaveLength(1);
  });

  it("refuses an empty text, a language that is not one, and the same language both ways, before any call", async () => {
    const fake = useAi(translated("never"));
    const { deps } = person();
    expect((await appFailure(run(deps, { text: "   ", source_lang: "en", target_lang: "fr" }))).message).toBe(
      "The text to translate is empty.",
    );
    expect((await appFailure(run(deps, { text: "Hi", source_lang: "en", target_lang: "{}" }))).message).toMatch(
      /^The target language "\{\}" is not a language: give a code such as "en"/,
    );
    expect((await appFailure(run(deps, { text: "Hi", source_lang: "EN", target_lang: "en" }))).message).toMatch(/both "en"/);
    expect(fake.calls).toEqual([]);
  });

  it("reserves the worst case first: a budget that cannot cover it refuses before the call", async () => {
    const fake = useAi(translated("never"));
    const text = "x".repeat(2_000);
    const worst = translationWorstCase(M2M100, text);
    // Twice the characters, three bytes each, out; the text's bytes in; both with their language and end tokens.
    expect(worst).toBe(Math.ceil(((2_000 + 2) * 30_909 + (12_000 + 2) * 30_909) / 1_000_000));
    const { deps, spent } = person(worst - 1);
    const error = await appFailure(run(deps, { text, source_lang: "en", target_lang: "fr" }));
    expect(error.code).toBe("budget_exhausted");
    expect(fake.calls).toEqual([]);
    expect(await spent()).toBe(0);
  });

  it("a failed call is a tool error in words and settles nothing", async () => {
    useAi(() => Promise.reject(bindingError(5004, "Invalid target language 'klingon'")));
    const { deps, spent } = person();
    const error = await appFailure(run(deps, { text: "Hello", source_lang: "en", target_lang: "klingon" }));
    expect(error.code).toBe("bad_request");
    expect(error.message).toContain("Invalid target language 'klingon'");
    expect(await spent()).toBe(0);
  });

  it("an answer without a translation settles nothing", async () => {
    useAi(() => ({ request_id: "queued-1" }));
    const { deps, spent } = person();
    expect((await appFailure(run(deps, { text: "Hello", source_lang: "en", target_lang: "fr" }))).message).toBe(
      "The translation model answered without a translation; nothing was charged.",
    );
    expect(await spent()).toBe(0);
  });

  it("on the local engine (no translation model: 5007 over REST) says so, so the chat model translates itself; nothing is charged", async () => {
    const base = "http://127.0.0.1:8788/client/v4/accounts/local/ai";
    // TEST DOUBLE of the local engine's answer for a model it does not have (engine/run.ts, engine/errors.ts).
    const engine = vi
      .spyOn(globalThis, "fetch")
      .mockImplementation(async () =>
        Response.json(
          { result: null, success: false, errors: [{ code: 5007, message: `No such model ${TRANSLATION_MODEL} or task` }], messages: [] },
          { status: 400 },
        ),
      );
    const { deps, spent } = person(10_000, { WORKERS_AI_REST_URL: base } as Partial<Env>);
    const error = await appFailure(run(deps, { text: "Hello", source_lang: "en", target_lang: "fr" }));
    expect(String(engine.mock.calls[0][0])).toBe(`${base}/run/${TRANSLATION_MODEL}`);
    expect(error.message).toBe(
      "The Workers AI-compatible server at 127.0.0.1:8788 (the local engine, in development) has no translation model, so nothing was translated: translate the text yourself.",
    );
    expect(await spent()).toBe(0);
  });
});

describe("the built-in Translator", () => {
  const translator = findBuiltinAssistant("builtin-translator")!;

  it("is a tool-calling chat model with the translate tool on", () => {
    expect(translator.tools).toEqual(["translate"]);
    expect(translator.instructions).toMatch(/call the translate tool/);
  });

  it("a chat started from it translates with m2m100, shows the translation, and settles it under Tools · m2m100", async () => {
    const source = "Where is the station?";
    let chatCalls = 0;
    const fake = useAi((call) => {
      if (call.model === TRANSLATION_MODEL) return { translated_text: "¿Dónde está la estación?" };
      chatCalls++;
      return chatCalls === 1
        ? sseStream(
            toolCallChunks([{ id: "call_t", name: "translate", arguments: { text: source, source_lang: "en", target_lang: "es" } }]),
          )
        : sseStream(openAiChunks(["¿Dónde está la estación?"]));
    });
    const client = new TestClient();
    await client.startGuest();
    const id = newConversationId();
    const settings = {
      model: translator.model,
      system: translator.instructions,
      temperature: translator.temperature,
      tools: translator.tools,
      assistantId: translator.id,
    };
    const chunks = await readUiStream(await client.chat({ id, messages: [userMessage(`Into Spanish: ${source}`)], ...settings }));

    // The chat model was offered translate only, and the translation model got the text and both languages.
    const offered = (fake.calls[0].inputs.tools as { function?: { name: string }; name?: string }[]).map((t) => t.function?.name ?? t.name);
    expect(offered).toEqual(["translate"]);
    expect(fake.calls.filter((c) => c.model === TRANSLATION_MODEL).map((c) => c.inputs)).toEqual([
      { text: source, source_lang: "en", target_lang: "es" },
    ]);
    expect(chunks.find((c) => c.type === "tool-output-available")).toMatchObject({
      output: { translation: "¿Dónde está la estación?", from: "en", to: "es", model: TRANSLATION_MODEL },
    });
    // The chat model's next call read the translation, and the saved answer shows it.
    expect(JSON.stringify(fake.calls.at(-1)!.inputs.messages)).toContain("¿Dónde está la estación?");
    const saved = (await (await client.fetch(`/api/conversations/${id}`)).json()) as { messages: any[] };
    const answer = saved.messages.at(-1);
    expect(answer.parts.find((p: any) => p.type === "tool-translate")).toMatchObject({ state: "output-available" });
    expect(
      answer.parts
        .filter((p: any) => p.type === "text")
        .map((p: any) => p.text)
        .join(""),
    ).toBe("¿Dónde está la estación?");

    // Its spend is the translation's own slice of the usage chart.
    const cost = translationCost(M2M100, source, "¿Dónde está la estación?");
    await vi.waitFor(async () => {
      const usage = (await (await client.fetch("/api/usage/mine")).json()) as MyUsage;
      expect(usage.days.at(-1)!.slices.filter((s) => s.model === TRANSLATION_MODEL)).toEqual([
        { kind: "tools", model: TRANSLATION_MODEL, neurons: cost },
      ]);
    });
  });
});
