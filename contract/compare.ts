import { z } from "zod";
import { modelIdSchema, uiMessageSchema } from "./api";
import type { ErrorBody } from "./errors";
import type { ChatMessage } from "./messages";
import { idSchema } from "./id-schema";

/** How many models one question may be asked of side by side: each answer is its own model call, reserved and paid for. */
export const COMPARE_LIMITS = { minModels: 2, maxModels: 3 } as const;

/**
 * `POST /api/chat/compare`: the conversation's path ending with the new question (as POST /api/chat
 * sends it) and the models to ask. The conversation's other settings (system prompt, temperature,
 * answer length) apply to every answer; tools do not (each answer is one model call).
 */
export const compareRequestSchema = z.object({
  id: idSchema,
  messages: z.array(uiMessageSchema).min(1).max(1000),
  models: z
    .array(modelIdSchema)
    .min(COMPARE_LIMITS.minModels, `Pick at least ${COMPARE_LIMITS.minModels} models to compare.`)
    .max(COMPARE_LIMITS.maxModels, `Compare at most ${COMPARE_LIMITS.maxModels} models at once.`)
    .refine((models) => new Set(models).size === models.length, "Pick a different model for each answer."),
  /** A new conversation's project (a project's "New chat" draft), as POST /api/chat takes it; ignored once the conversation exists. */
  projectId: idSchema.optional(),
});
export type CompareRequest = z.infer<typeof compareRequestSchema>;

/**
 * One model's answer in a compare turn: the message it is being written as (its stream:
 * `GET /api/chat/compare/:id/stream?slot=n`), or why it was refused (its own budget reservation,
 * say) while the others go on.
 */
export type CompareSlot = { slot: number; model: string } & ({ messageId: string } | { error: ErrorBody["error"] });

/** What `POST /api/chat/compare` answers (200) once every answer that could start has started. */
export interface CompareStarted {
  /** The question the answers follow: each is a version (sibling) of the answer to it. */
  questionId: string;
  slots: CompareSlot[];
}

/**
 * `GET /api/chat/compare/:id` (204 when none): the compare turn still being written on the
 * conversation, so a page opened or reloaded mid-way shows every answer side by side again. Each
 * slot as it started; one that has ended since carries its answer as saved, the others are
 * followed through their streams. `?question=<id>`: that question's turn even once it has ended.
 */
export interface CompareRunning {
  questionId: string;
  slots: (CompareSlot & { answer?: ChatMessage })[];
}
