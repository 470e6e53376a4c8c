import type { Conversation } from "../../../contract/api";
import {
  ASSISTANT_LIMITS,
  BUILTIN_ASSISTANTS,
  findBuiltinAssistant,
  type Assistant,
  type AssistantInput,
  type AssistantList,
} from "../../../contract/assistants";
import { AppError } from "../../../contract/errors";
import { randomId } from "../../../contract/ids";
import { outcome, type Outcome } from "../../connectors/outcome";
import { fromQuotaRefusal } from "../../quota-refusal";
import { Connectors } from "../connectors/feature";
import { toConversation, type ConversationRow } from "../conversations/rows";
import { Documents } from "../documents/feature";
import type { Person } from "../person";
import { checkAssistant, type AssistantWorld } from "./check";
import { ASSISTANT_TABLES } from "./schema";
import { AssistantTable } from "./table";

const NOT_FOUND = "That assistant does not exist (it may have been deleted).";

/**
 * Assistants: named presets of a chat's settings (contract/assistants.ts). The built-ins come from
 * the contract and are never stored; the person's own are rows here, limited in number and counted
 * in the byte budget. Refusals travel as data (Outcome): Workers RPC keeps only a thrown error's message.
 */
export class Assistants {
  static readonly tables = ASSISTANT_TABLES;
  readonly table: AssistantTable;

  constructor(private readonly person: Person) {
    this.table = new AssistantTable(person.sql);
  }

  listAssistants(): AssistantList {
    return { builtin: [...BUILTIN_ASSISTANTS], own: this.table.list() };
  }

  getAssistant(id: string): Assistant | null {
    return findBuiltinAssistant(id) ?? this.table.get(id);
  }

  createAssistant(input: AssistantInput): Promise<Outcome<Assistant>> {
    return outcome(() => {
      checkAssistant(input, this.#world());
      const now = this.person.seams.clock.now();
      const assistant: Assistant = { ...input, id: randomId(), builtin: false, createdAt: now, updatedAt: now };
      this.person.ctx.storage.transactionSync(() => {
        // Counted inside the write's transaction, so two creates at once cannot pass the limit together.
        if (this.table.count() >= ASSISTANT_LIMITS.maxAssistants)
          throw new AppError(
            "too_many_assistants",
            `You have ${ASSISTANT_LIMITS.maxAssistants} assistants, the most one person may keep. Delete one to make another.`,
          );
        withinBudget(this.person, () => this.table.insert(assistant));
      });
      return assistant;
    });
  }

  updateAssistant(id: string, input: AssistantInput): Promise<Outcome<Assistant>> {
    return outcome(() => {
      const found = this.#own(id);
      checkAssistant(input, this.#world());
      const assistant: Assistant = { ...input, id, builtin: false, createdAt: found.createdAt, updatedAt: this.person.seams.clock.now() };
      this.person.ctx.storage.transactionSync(() => withinBudget(this.person, () => this.table.replace(assistant)));
      return assistant;
    });
  }

  deleteAssistant(id: string): Promise<Outcome<boolean>> {
    return outcome(() => {
      this.#own(id);
      return this.table.delete(id);
    });
  }

  /**
   * The chats started from an assistant, newest first: those whose settings carry its id. Read
   * from the conversations table (registered before) rather than kept in a table of their own, so
   * deleting a chat needs nothing from here.
   */
  assistantChats(id: string): Conversation[] | null {
    if (!this.getAssistant(id)) return null;
    return this.person.sql
      .exec<ConversationRow>(
        `SELECT * FROM conversations WHERE json_extract(settings, '$.assistantId') = ? ORDER BY updated_at DESC LIMIT ?`,
        id,
        ASSISTANT_LIMITS.listedChats,
      )
      .toArray()
      .map(toConversation);
  }

  /** The person's own assistant, or the refusal a built-in or a missing one gets. */
  #own(id: string): Assistant {
    if (findBuiltinAssistant(id)) throw new AppError("builtin_assistant");
    const found = this.table.get(id);
    if (!found) throw new AppError("not_found", NOT_FOUND);
    return found;
  }

  #world(): AssistantWorld {
    const connectors = this.person.feature(Connectors).listConnectors();
    const documents = this.person.feature(Documents);
    return {
      connectorToolKeys: new Set(connectors.flatMap((connector) => connector.tools.map((tool) => tool.key))),
      hasDocument: (documentId) => documents.getDocument(documentId) !== null,
    };
  }
}

/** The byte budget's refusal as an AppError, so it travels back as an Outcome like the others (not as a thrown RPC error). */
function withinBudget(person: Person, write: () => void): void {
  try {
    person.budget.within("This assistant", write);
  } catch (error) {
    throw fromQuotaRefusal(error) ?? error;
  }
}
