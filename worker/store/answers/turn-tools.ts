import { servedLocally } from "../../../contract/answer-cost";
import type { ChatSettings } from "../../../contract/api";
import type { MessageMetadata } from "../../../contract/messages";
import type { AiBackend } from "../../ai/backend";
import { retrievePassages } from "../../retrieval/retrieve-passages";
import type { ChatTurn } from "./turn";
import { Connectors } from "../connectors/feature";
import { Documents } from "../documents/feature";
import { Images } from "../images/feature";
import { rememberFor, withMemoryTools } from "../memory/remember";
import type { Person } from "../person";
import { prepareToolTurn, type ToolTurn } from "./tool-turn";

/** What a chat answer's tools need to know about its call. */
export interface ToolCall {
  model: string;
  settings: ChatSettings;
  maxTokens: number;
  metadata: MessageMetadata;
  promptTokens: number;
  backend: AiBackend;
}

/** A chat answer's tools (./tool-turn.ts), built from the built-ins and the person's connectors; undefined when it has none. */
export function turnTools(
  person: Person,
  turn: Pick<ChatTurn, "conversationId" | "payer" | "timeZone">,
  call: ToolCall,
): Promise<ToolTurn | undefined> {
  const { env, ctx, runs, seams } = person;
  const { conversationId, payer } = turn;
  const documents = person.feature(Documents);
  return prepareToolTurn({
    env,
    payer,
    model: call.model,
    settings: call.settings,
    maxTokens: call.maxTokens,
    promptTokens: call.promptTokens,
    metadata: call.metadata,
    builtins: () =>
      withMemoryTools(
        person,
        seams.builtinTools({
          env,
          payer,
          timeZone: turn.timeZone ?? "UTC",
          remember: rememberFor(person, payer),
          saveImage: (record) => person.feature(Images).saveImage(record),
          checkRoomForImages: (count) => person.feature(Images).checkRoomForImages(count),
          searchDocuments: async (query) => {
            const library = { attachDocuments: async () => undefined, searchDocuments: documents.searchDocuments.bind(documents) };
            const found = await retrievePassages(library, { payer, conversationId, question: query });
            return { text: found?.block ?? "", citations: found?.citations ?? [] };
          },
        }),
      ),
    connectors: person.feature(Connectors).table,
    limits: seams.toolLimits,
    hold: (reservationId, prompt) => runs.hold("chat", conversationId, reservationId, prompt),
    local: () => servedLocally(call.backend.servedBy()),
    defer: (work) => ctx.waitUntil(work),
  });
}
