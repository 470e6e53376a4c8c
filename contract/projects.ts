import { z } from "zod";
import { modelIdSchema } from "./api";
import { idSchema } from "./id-schema";
import { toolKeySchema } from "./tools";

/** What one person may keep in projects: each is a row anyone signed in can make, so each is bounded. */
export const PROJECT_LIMITS = {
  maxProjects: 100,
  nameChars: 100,
  instructionsChars: 8000,
  /** A project's own documents, searched in each of its conversations (as DOCUMENT_LIMITS.maxPerConversation). */
  maxDocuments: 20,
} as const;

const nameSchema = z
  .string()
  .trim()
  .min(1, "A project needs a name.")
  .max(PROJECT_LIMITS.nameChars, `A project's name can be at most ${PROJECT_LIMITS.nameChars} characters.`);
const instructionsSchema = z
  .string()
  .max(
    PROJECT_LIMITS.instructionsChars,
    `A project's instructions can be at most ${PROJECT_LIMITS.instructionsChars.toLocaleString("en-US")} characters.`,
  );

/**
 * What a new chat in the project starts with (the conversation's own settings after that; the person
 * may change them in the chat). `tools` as a chat's: built-in names and connector tool keys, unset =
 * every tool, [] = none. The route refuses a key that is neither a built-in nor the person's connector's.
 */
export const projectDefaultsSchema = z.object({
  model: modelIdSchema.optional(),
  tools: z
    .array(toolKeySchema)
    .max(200, "A project can name at most 200 tools.")
    .transform((keys) => [...new Set(keys)])
    .optional(),
});

export const projectSchema = z.object({
  id: idSchema,
  name: z.string(),
  instructions: z.string(),
  defaults: projectDefaultsSchema,
  documentIds: z.array(idSchema),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Project = z.infer<typeof projectSchema>;
export type ProjectDefaults = z.infer<typeof projectDefaultsSchema>;

/**
 * A project as an export carries it, inside each of its conversations (contract/transfer.ts), so a
 * conversation imported on its own still lands in its project. Its documents stay behind: documents
 * are not part of an export.
 */
export const exportedProjectSchema = z.object({
  id: idSchema,
  name: nameSchema,
  instructions: instructionsSchema,
  defaults: projectDefaultsSchema.default({}),
});
export type ExportedProject = z.infer<typeof exportedProjectSchema>;

/** `POST /api/projects`. */
export const createProjectSchema = z.object({
  name: nameSchema,
  instructions: instructionsSchema.default(""),
  defaults: projectDefaultsSchema.default({}),
  documentIds: z.array(idSchema).max(PROJECT_LIMITS.maxDocuments).default([]),
});
export type CreateProject = z.infer<typeof createProjectSchema>;

/** `PATCH /api/projects/:id`: only what is named changes. */
export const updateProjectSchema = z
  .object({
    name: nameSchema.optional(),
    instructions: instructionsSchema.optional(),
    defaults: projectDefaultsSchema.optional(),
    documentIds: z.array(idSchema).max(PROJECT_LIMITS.maxDocuments).optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), "Name something to change.");
export type UpdateProject = z.infer<typeof updateProjectSchema>;

/** `DELETE /api/projects/:id?conversations=keep|delete`: the person is asked which. */
export const deleteProjectQuerySchema = z.object({ conversations: z.enum(["keep", "delete"]) });

/** `PATCH /api/projects/place/:conversationId`: where a conversation sits in the list. */
export const placeConversationSchema = z
  .object({
    /** null: out of any project. */
    projectId: idSchema.nullable().optional(),
    pinned: z.boolean().optional(),
    archived: z.boolean().optional(),
  })
  .refine((p) => p.projectId !== undefined || p.pinned !== undefined || p.archived !== undefined, "Name something to change.");
export type ConversationPlace = z.infer<typeof placeConversationSchema>;

/** Where an imported conversation goes: its project (made when the person has none with its id), pinned, archived. */
export interface ImportedPlace {
  project?: ExportedProject;
  pinned?: boolean;
  archived?: boolean;
}
