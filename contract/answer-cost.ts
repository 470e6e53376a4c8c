import { LOCAL_ENGINE_LABEL } from "./local-engine";
import type { MessageUsage } from "./messages";
import { findChatModel } from "./models";
import { tokenCost, type Cost } from "./pricing";

/**
 * What an answer cost, from its usage (reported by Workers AI, or estimated for a partial answer)
 * at its model's price. The Worker saves it with the answer; the page works it out the same way for
 * an answer still on screen from its stream. An estimate when the usage is, when the price is ours
 * rather than Cloudflare's, or when the local engine answered: it is priced as the model it stands
 * in for, and bills nobody.
 */
export function answerCost(modelId: string | undefined, usage: MessageUsage | undefined, localEngine: boolean): Cost | undefined {
  const model = modelId ? findChatModel(modelId) : undefined;
  if (!model || !usage) return undefined;
  const input = usage.inputTokens ?? 0;
  const output = usage.outputTokens ?? Math.max(0, (usage.totalTokens ?? 0) - input);
  return {
    neurons: tokenCost(model.price, input, output),
    estimated: !!usage.estimated || localEngine || model.price.source !== "published",
  };
}

/** The local engine names itself in `servedBy` ("Local engine · <file>"), from its own response header. */
export function servedLocally(servedBy: string | undefined): boolean {
  return !!servedBy?.startsWith(LOCAL_ENGINE_LABEL);
}
