import type { ImportedPlace } from "../../contract/projects";
import type { ChatSettings } from "../../contract/api";
import { AppError } from "../../contract/errors";
import type { TreeMessage } from "../store/conversations/conversation-tree";

/** A conversation ready to write: checked in full, in this app's shapes, parents before children. */
export interface PlannedConversation {
  title: string;
  settings: ChatSettings;
  messages: TreeMessage[];
  /** The last message of the branch on screen; null: the newest. */
  activeLeafId: string | null;
  /** Where it sat in the sidebar where it was exported: put back by Projects.placeImported. */
  place?: ImportedPlace;
}

/**
 * Why a file cannot be imported, as the sentence a person reads (AppError import_invalid). A batched
 * import skips just the conversation instead, with `detail` as its reason and `kind` as its code.
 */
export class ImportRefused extends AppError {
  constructor(
    readonly detail: string,
    readonly kind: "invalid" | "too_large" = "invalid",
  ) {
    super("import_invalid", `That file cannot be imported: ${detail} Nothing was imported.`);
  }
}
