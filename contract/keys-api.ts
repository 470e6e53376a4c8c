import { z } from "zod";

/** `POST /api/keys`: a name so the person can tell their keys apart. */
export const createKeySchema = z.object({
  name: z.string().trim().min(1, "Give the key a name").max(60, "Keep the name under 60 characters"),
});

/** A key as listed: never the key itself, which exists only in the creation answer. */
export interface ApiKeySummary {
  id: string;
  name: string;
  /** The key's first characters, e.g. "sk-wai-Ab3x_9". */
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** The creation answer: the only time the key is shown. */
export interface CreatedApiKey {
  id: string;
  name: string;
  key: string;
}

export const MAX_API_KEYS = 10;
