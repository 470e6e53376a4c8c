import { z } from "zod";
import type { AnswerStatus } from "./messages";

/**
 * Share links: a read-only snapshot of a conversation at `/s/<token>`. The token is the only key:
 * 256 random bits, base64url (43 characters), so nobody finds a link they were not given.
 */
export const shareTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

export const SHARE_LIMITS = {
  /** A snapshot is one SQLite row in the shares object (rows may be 2 MB); this leaves headroom. */
  maxSnapshotBytes: 1_000_000,
  /** Live links one person may have, so nobody fills the shared store. */
  maxLinksPerPerson: 100,
  /** A tool's result in a link: enough to read what it found, not the whole output. */
  toolResultChars: 2_000,
} as const;

export function sharePath(token: string): string {
  return `/s/${token}`;
}

/**
 * What a tool did, as a visitor sees it: its name, how it ended and the result a person reads (text,
 * or that an image was made). Never its raw input or output, nor an approval's buttons.
 */
export interface SharedToolRun {
  type: "tool";
  label: string;
  /** "not run": it waited for the owner's approval (or was cut short) when the link was made. */
  outcome: "done" | "failed" | "denied" | "not run";
  /** The readable result (or the error in words), cut to SHARE_LIMITS.toolResultChars. */
  result?: string;
  /** An image was generated (the image itself stays in the owner's gallery). */
  image?: { prompt?: string };
}

export type SharedPart = { type: "text"; text: string } | SharedToolRun;

/** One message as a visitor sees it: the text, and for answers the model's name and how it ended. */
export interface SharedMessage {
  id: string;
  role: "user" | "assistant";
  text: string;
  /** An answer that used tools, in order: its text and each tool's run. Absent otherwise (and in older links). */
  parts?: SharedPart[];
  /** The catalog's name for the model that answered ("Llama 4 Scout 17B"). */
  model?: string;
  status?: AnswerStatus;
  createdAt?: number;
}

/** `GET /api/shared/:token`: what a link shows. No settings, system prompt, usage or owner. */
export interface SharedConversation {
  title: string;
  /** When the snapshot was taken (made or last updated). */
  sharedAt: number;
  messages: SharedMessage[];
}

/** One of the caller's links (`GET /api/shares`, `POST /api/conversations/:id/share`). */
export interface ShareLink {
  token: string;
  conversationId: string;
  title: string;
  createdAt: number;
  updatedAt: number;
}
