import type { Tool } from "ai";
import type { ChatSettings } from "../../../contract/api";
import type { MessageMetadata } from "../../../contract/messages";
import type { ToolLoop } from "../../ai/stream-answer";
import { connectorTools } from "../../connectors/tools";
import type { ConnectorTable } from "../../connectors/table";
import { log } from "../../log";
import type { BuiltinToolContext } from "../../tools/builtins";
import { connectorKeysOn, modelTakesTools, offerTools, toolsPromptTokens, type ConnectorToolSet } from "../../tools/registry";
import type { TurnPayer } from "./turn";
import { StepSpend } from "./step-spend";

export interface ToolTurnInput {
  env: Env;
  payer: TurnPayer;
  model: string;
  settings: ChatSettings;
  maxTokens: number;
  /** The first call's prompt (messages and instructions) in worst-case tokens, before the tools' definitions. */
  promptTokens: number;
  /** The answer's metadata: a refused step leaves its note here. */
  metadata: MessageMetadata;
  builtins: () => Partial<Record<string, Tool>>;
  connectors: ConnectorTable;
  /** Test seam: shorter tool limits (run-tool.ts). */
  limits?: { timeoutMs?: number; outputChars?: number };
  hold(reservationId: string, promptTokens: number): void;
  local(): boolean;
  defer(work: Promise<unknown>): void;
}

export interface ToolTurn {
  loop: ToolLoop;
  steps: StepSpend;
  /** Tokens the tools' definitions add to every call's prompt (in the first reservation too). */
  toolTokens: number;
  /** Closes what the tools opened; once the answer has ended, or when it never starts. */
  cleanup(): Promise<void>;
}

/**
 * The tool loop of one chat answer, or undefined: a model the catalog does not flag `tools`, or no
 * tool on, gets a plain answer with nothing tool-related built. Connector tools are asked for only
 * when the conversation does not rule them all out (an empty list opens no connection); a connector
 * that fails is left out of this answer (connectorTools saves its error), never a dead answer.
 */
export async function prepareToolTurn(input: ToolTurnInput): Promise<ToolTurn | undefined> {
  // Nothing is built (not even the built-ins' factories) for a model without tools or a conversation with none on.
  if (!modelTakesTools(input.model) || input.settings.tools?.length === 0) return undefined;
  const opened = new AbortController();
  const wanted = connectorKeysOn(input.settings);
  let connectors: ConnectorToolSet | undefined;
  if (!wanted || wanted.length)
    try {
      connectors = await connectorTools({ env: input.env, connectors: input.connectors, enabledKeys: wanted, signal: opened.signal });
    } catch (error) {
      log("tools.connectors_failed", { detail: String(error).slice(0, 300) });
    }
  const offer = offerTools(input.settings, input.builtins(), connectors, input.limits);
  if (!offer) return undefined;
  const cleanup = async () => {
    opened.abort();
    await offer.close();
  };
  try {
    const toolTokens = await toolsPromptTokens(offer.tools);
    const steps = new StepSpend({
      env: input.env,
      payer: input.payer,
      model: input.model,
      maxTokens: input.maxTokens,
      promptTokens: input.promptTokens + toolTokens,
      local: input.local,
      hold: input.hold,
      defer: input.defer,
      refused: (sentence) => {
        input.metadata.note = sentence;
      },
    });
    const loop: ToolLoop = {
      tools: offer.tools,
      toolApproval: offer.toolApproval,
      maxSteps: offer.maxSteps,
      beforeStep: (stepNumber, added) => steps.beforeStep(stepNumber, added),
      afterStep: (usage) => steps.afterStep(usage),
    };
    return { loop, steps, toolTokens, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

export type { BuiltinToolContext };
