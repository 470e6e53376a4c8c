import { z } from "zod";

/**
 * Memory (issue 25): short things the assistant remembers about the person, kept in their Durable
 * Object. The person adds, edits and deletes them in Settings → Memory; the model may only propose
 * one (the `remember` tool, which asks first), so nothing is remembered silently.
 */
export const MEMORY_LIMITS = {
  /** Memories one person may keep. */
  perPerson: 200,
  /** Characters in one memory: a sentence or two, not a document. */
  chars: 500,
  /** Memories that join one answer's prompt, at most. */
  perAnswer: 5,
  /** Characters of memories that join one answer's prompt, at most. */
  promptChars: 2_000,
} as const;

export interface Memory {
  id: string;
  text: string;
  createdAt: number;
  updatedAt: number;
  /**
   * Whether the memory has its embedding, so a question close in meaning finds it (the hybrid
   * search). False until the embedding is paid for and made: found by matching words only meanwhile.
   */
  embedded: boolean;
}

/** A memory as added or edited, and a sentence when it could not be embedded (it is kept all the same). */
export interface MemoryWrite {
  memory: Memory;
  notice?: string;
}

export interface MemoryList {
  /** Off: no memory joins a prompt and the model is not offered `remember`; the list is kept. */
  enabled: boolean;
  memories: Memory[];
  limits: { perPerson: number; chars: number };
}

/** A memory an answer was given, as it read then (a later edit or delete does not change what the answer saw). */
export interface UsedMemory {
  id: string;
  text: string;
}

export const memoryTextSchema = z
  .string()
  .transform((text) => text.trim())
  .pipe(
    z
      .string()
      .min(1, "a memory cannot be empty")
      .max(MEMORY_LIMITS.chars, `a memory can be at most ${MEMORY_LIMITS.chars} characters (shorten it or split it in two)`),
  );

export const memoryInputSchema = z.object({ text: memoryTextSchema });
export const memorySettingsSchema = z.object({ enabled: z.boolean() });
