import { z } from "zod";
import { idSchema } from "./id-schema";

/**
 * Chat with your documents: what the UI and the Worker agree on. A document is uploaded once, read
 * and split into passages at upload, embedded in the background (the page polls its status), and
 * attached to conversations; questions in those conversations search it.
 */

/** What a stranger can make the app store and read: enforced while reading, not after. */
export const DOCUMENT_LIMITS = {
  /** Bytes of one uploaded file. */
  maxBytes: 20 * 1024 * 1024,
  /** Pages of one PDF: checked from the file's page tree before any page is read. */
  maxPages: 1000,
  /** Characters of text one document may yield (a 1,000-page book is about 2.5 million). */
  maxChars: 4_000_000,
  /** Bytes a .docx may inflate to: a zip bomb is refused at this point, mid-inflate. */
  maxInflatedBytes: 40 * 1024 * 1024,
  /** Documents one person may keep. */
  maxDocuments: 200,
  /** Documents one conversation may search. */
  maxPerConversation: 20,
} as const;

export const DOCUMENT_KINDS = ["text", "markdown", "html", "csv", "source", "pdf", "docx"] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** The accept attribute of the file picker: a hint only; the Worker judges files by their bytes. */
export const DOCUMENT_ACCEPT =
  ".txt,.text,.md,.markdown,.html,.htm,.csv,.tsv,.pdf,.docx,.json,.yaml,.yml,.toml,.xml,.ts,.tsx,.js,.jsx,.mjs,.cjs,.py,.rb,.go,.rs,.java,.kt,.c,.h,.cc,.cpp,.hpp,.cs,.php,.swift,.sh,.sql,.css,.scss,.lua,.r,.ini,.cfg,.log";

/**
 * Where a document is. "embedding" counts `embedded` of `passages`; "ready" means every passage is
 * searchable by keyword and its vector has been handed to the index (Vectorize makes vectors
 * queryable seconds after that: keyword search covers the gap).
 */
export type DocumentStatus = "embedding" | "ready" | "failed";

export interface DocumentRecord {
  id: string;
  name: string;
  kind: DocumentKind;
  bytes: number;
  /** PDF pages; null for formats without pages. */
  pages: number | null;
  passages: number;
  embedded: number;
  status: DocumentStatus;
  /** The sentence a person reads when status is "failed". */
  error?: string;
  createdAt: number;
}

/** One numbered source of an answer: what the marker [n] in its text points at. */
export interface Citation {
  n: number;
  documentId: string;
  documentName: string;
  page: number | null;
  /** The quoted passage, as the model saw it. */
  quote: string;
}

export const attachDocumentSchema = z.object({ conversationId: idSchema });

export const documentIdsSchema = z.array(idSchema).max(DOCUMENT_LIMITS.maxPerConversation);
