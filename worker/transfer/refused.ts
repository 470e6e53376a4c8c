import type { ChatSettings } from "../../contract/api";
import { AppError } from "../../contract/errors";
import type { ChatMessage } from "../../contract/messages";

/** A conversation ready to write: checked in full, in this app's shapes. */
export interface PlannedConversation {
  title: string;
  settings: ChatSettings;
  messages: ChatMessage[];
}

/** Why a file cannot be imported, as the sentence a person reads (AppError import_invalid). */
export class ImportRefused extends AppError {
  constructor(detail: string) {
    super("import_invalid", `That file cannot be imported: ${detail} Nothing was imported.`);
  }
}
