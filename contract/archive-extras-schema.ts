import { z } from "zod";
import { MAX_EXTRA_FILE_BYTES } from "./archive-extras";
import { ASSISTANT_LIMITS, assistantInputSchema } from "./assistants";
import { MEMORY_LIMITS } from "./memory";
import { exportedProjectSchema, PROJECT_LIMITS } from "./projects";

/** The request body's bound: the three files as sent. */
export const MAX_EXTRAS_BYTES = 3 * MAX_EXTRA_FILE_BYTES;

/**
 * The files as the archive wrote them, read leniently: each item's own checks run in the store, so
 * one memory that is too long is skipped with the others kept. Counts are capped at what one person
 * may keep, so a hand-made file cannot make the Worker loop over millions of rows.
 */
export const archiveExtrasSchema = z.object({
  memories: z
    .object({
      enabled: z.boolean().optional(),
      memories: z.array(z.object({ text: z.string().max(MEMORY_LIMITS.chars * 4) })).max(MEMORY_LIMITS.perPerson),
    })
    .optional(),
  projects: z
    .array(exportedProjectSchema.extend({ documentIds: z.array(z.string()).optional() }))
    .max(PROJECT_LIMITS.maxProjects)
    .optional(),
  assistants: z
    .array(assistantInputSchema.extend({ documentIds: z.array(z.string()).max(ASSISTANT_LIMITS.documents).default([]) }))
    .max(ASSISTANT_LIMITS.maxAssistants)
    .optional(),
});
export type ArchiveExtras = z.input<typeof archiveExtrasSchema>;
