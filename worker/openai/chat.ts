import type { Context } from "hono";
import { findChatModel } from "../../contract/models";
import type { AppEnv } from "../http/app-types";
import { toAppError } from "../http/errors";
import { randomId } from "../../contract/ids";
import { log } from "../log";
import { readOpenAiBody, unixSeconds } from "./body";
import { promptTokens, workersAiChatInputs } from "./chat-inputs";
import { completionOf, type Completion } from "./chat-result";
import { chunksOfWhole, toChunkStream, type ChunkMeta } from "./chat-stream";
import { ParamError } from "./errors";
import { runModel } from "./run";
import { resolveAiBackend } from "../ai/backend";
import { visionBinding } from "../vision/binding";
import { chatCompletionSchema } from "./schemas";
import { admitSpend, type Spend } from "./spend";
import { tokenCost, type TokenPrice } from "../../contract/pricing";
import { outputTokensOfChars, worstCaseNeurons } from "../spend/estimate";

/** Room for a few images as data URLs; text alone never comes close. */
const MAX_BODY_BYTES = 8_000_000;

/**
 * POST /v1/chat/completions: validate, check the model can do what is asked, admit the spend,
 * call Workers AI through the model backend (with its retries), answer as OpenAI does, record the usage in
 * the key owner's store. Nothing of the conversation is stored.
 */
export async function chatCompletions(c: Context<AppEnv>): Promise<Response> {
  const request = await readOpenAiBody(c, chatCompletionSchema, MAX_BODY_BYTES);
  const model = findChatModel(request.model);
  if (!model) throw new ParamError("model", `There is no chat model called ${request.model}. GET /v1/models lists them.`, "unknown_model");
  const stream = request.stream === true;
  const inputs = workersAiChatInputs(request, model, stream);

  // Everything sent counts (tools, tool calls and results, images), a token a byte: a request whose
  // worst case alone is more than the budget left is refused here, before the model is called.
  const prompt = promptTokens(request, model);
  const maxTokens = Number(inputs.max_tokens);
  const price = model.price;
  const spend = await admitSpend(c, worstCaseNeurons(price, prompt, maxTokens), { kind: "chat", model: model.id });
  const meta: ChunkMeta = {
    id: `chatcmpl-${randomId()}`,
    model: model.id,
    created: unixSeconds(),
    includeUsage: request.stream_options?.include_usage === true,
    // Without a usage report, counted at its most, as the reservation was: the streamed text is
    // known only by its UTF-16 length, so three bytes (tokens) a code unit, within max_tokens.
    estimate: (outputChars) => {
      const completion = Math.min(maxTokens, outputTokensOfChars(outputChars));
      return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
    },
  };
  const output = await (model.needsAgreement ? runAgreeing(c, model.id, inputs) : runModel(c, model.id, inputs));

  if (!stream) {
    const completion = await completionOf(output).catch((error: unknown) => {
      // A stream that broke while being read still read the prompt: it is counted, as on the chat page.
      c.executionCtx.waitUntil(settle(spend, price, meta.estimate(0), model.id));
      // Anything unrecognised while reading the answer came from the model side (a reset connection).
      throw toAppError(error, "upstream");
    });
    const usage = completion.usage ?? meta.estimate(outputChars(completion));
    c.executionCtx.waitUntil(settle(spend, price, usage, model.id));
    const toolCalls = completion.toolCalls.map(({ index: _index, ...call }) => call);
    const finish = toolCalls.length && (!completion.finish || completion.finish === "stop") ? "tool_calls" : (completion.finish ?? "stop");
    return c.json({
      id: meta.id,
      object: "chat.completion",
      created: meta.created,
      model: model.id,
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: toolCalls.length && !completion.content ? null : completion.content,
            ...(completion.reasoning ? { reasoning_content: completion.reasoning } : {}),
            ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
          },
          logprobs: null,
          finish_reason: finish,
        },
      ],
      usage,
    });
  }

  let body: BodyInit;
  if (output instanceof ReadableStream) {
    const settled = deferred();
    c.executionCtx.waitUntil(settled.promise);
    body = toChunkStream(output as ReadableStream<Uint8Array>, meta, (outcome) => {
      if (outcome.failure)
        log("v1.chat.error", { model: model.id, code: outcome.failure.code, detail: outcome.failure.message.slice(0, 300) });
      settle(spend, price, outcome.usage, model.id).finally(settled.resolve);
    });
  } else {
    // A model that does not stream (gpt-oss on /ai/run) answers whole: sent as one burst of chunks.
    const completion = await completionOf(output);
    const text = chunksOfWhole(
      {
        content: completion.content || undefined,
        reasoning: completion.reasoning || undefined,
        toolCalls: completion.toolCalls.length ? completion.toolCalls : undefined,
        finish: completion.finish,
        usage: completion.usage,
      },
      meta,
    );
    c.executionCtx.waitUntil(settle(spend, price, completion.usage ?? meta.estimate(outputChars(completion)), model.id));
    body = text;
  }
  return new Response(body, { headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" } });
}

/**
 * A model whose licence must be accepted per account (Llama 3.2 Vision answers 5016 until then) is
 * agreed to once and asked again, as the chat and vision pages do (worker/vision/binding.ts); the
 * pages note it on the answer, /v1 has nowhere to say it but the log.
 */
function runAgreeing(c: Context<AppEnv>, model: string, inputs: unknown): Promise<unknown> {
  const binding = visionBinding(resolveAiBackend(c.env).binding, () => log("v1.licence.accepted", { model }));
  return binding.run(model, inputs, { signal: c.req.raw.signal });
}

/** Recording usage must not fail the answer it follows: a failure is logged. */
async function settle(
  spend: Spend,
  price: TokenPrice,
  usage: { prompt_tokens: number; completion_tokens: number },
  model: string,
): Promise<void> {
  const neurons = tokenCost(price, usage.prompt_tokens, usage.completion_tokens);
  try {
    await spend.settle(neurons);
  } catch (error) {
    log("v1.usage.error", { model, neurons, detail: String(error).slice(0, 300) });
  }
}

/** What a whole answer generated, in UTF-16 code units, as chat-stream.ts counts a streamed one: text, reasoning and tool calls. */
function outputChars(completion: Completion): number {
  return (
    completion.content.length +
    completion.reasoning.length +
    (completion.toolCalls.length ? JSON.stringify(completion.toolCalls).length : 0)
  );
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
