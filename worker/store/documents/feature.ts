import type { Payer } from "../../spend/spend";
import { DocumentLibrary, type LibraryEnv } from "../../retrieval/library";
import type { Person } from "../person";
import { DOCUMENT_TABLES } from "./schema";

/**
 * The person's documents (worker/retrieval/library.ts): added, listed, attached to conversations,
 * searched, deleted; embedding runs as a job of the object's alarm.
 */
export class Documents {
  static readonly tables = DOCUMENT_TABLES;
  /** Replaced by tests that point it at the Vectorize double. */
  library: DocumentLibrary;

  constructor(private readonly person: Person) {
    // VECTOR_INDEX and VECTORIZE are optional settings the generated Env does not name.
    this.library = new DocumentLibrary(person.ctx.storage, person.env as Env & LibraryEnv);
    person.onAlarm(() => this.library.embedPending());
  }

  countDocuments() {
    return this.library.tables.count();
  }
  /** Refused, writing nothing, when the original and its passages do not fit the byte budget. */
  addDocument(record: Parameters<DocumentLibrary["add"]>[0], passages: Parameters<DocumentLibrary["add"]>[1], payer: Payer) {
    return this.library.add(record, passages, payer, (write) => this.person.budget.within("This document", write));
  }
  listDocuments() {
    return this.library.tables.list();
  }
  getDocument(id: string) {
    return this.library.tables.get(id);
  }
  deleteDocument(id: string) {
    return this.library.delete(id);
  }
  attachDocuments(conversationId: string, documentIds: string[]) {
    return this.library.tables.attach(conversationId, documentIds);
  }
  detachDocument(conversationId: string, documentId: string) {
    return this.library.tables.detach(conversationId, documentId);
  }
  conversationDocuments(conversationId: string) {
    return this.library.tables.attachedTo(conversationId);
  }
  searchDocuments(...args: Parameters<DocumentLibrary["search"]>) {
    return this.library.search(...args);
  }
}
