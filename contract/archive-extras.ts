/**
 * What the all-data archive (GET /api/export) holds besides conversations that an import restores:
 * the person's memories, projects (the empty ones too, with their instructions and defaults) and own
 * assistants. The import page reads these files from the zip (./import-file.ts) and sends them in one
 * request, `POST /api/import/archive`, before the conversations' batches. (Paths and types only:
 * the import page loads this, so the request's schema is in ./archive-extras-schema.ts.)
 */
export const ARCHIVE_EXTRA_FILES = {
  memories: "memory/memories.json",
  projects: "projects/projects.json",
  assistants: "assistants/assistants.json",
} as const;
export type ArchiveExtraKind = keyof typeof ARCHIVE_EXTRA_FILES;

/** The most one of those files may hold unpacked: far above what one person may keep of each (./archive-extras-schema.ts). */
export const MAX_EXTRA_FILE_BYTES = 5_000_000;

export interface RestoredCounts {
  /** Made here. */
  added: number;
  /** Already here (the same memory text, project id, or assistant): left as it is. */
  already: number;
  /** Not restored; `notes` says why. */
  skipped: number;
}

export interface ArchiveRestoreResult {
  memories: RestoredCounts & {
    /** Of those added, embedded now (the rest are found by matching words until a question embeds them). */
    embedded: number;
  };
  projects: RestoredCounts;
  assistants: RestoredCounts;
  /** Sentences a person reads: what was left out, and why. */
  notes: string[];
  summary: string;
}
