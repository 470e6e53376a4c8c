import { z } from "zod";

/**
 * What a neuron was spent on, as the usage chart splits it. `other` is a call whose caller did not
 * say (one added later without a label); spend before the split was recorded has no rows at all.
 */
export const USAGE_KINDS = ["chat", "tools", "vision", "images", "documents", "voice", "other"] as const;
export type UsageKind = (typeof USAGE_KINDS)[number];

export const USAGE_KIND_LABELS: Record<UsageKind, string> = {
  chat: "Chat",
  tools: "Tools",
  vision: "Vision",
  images: "Images",
  documents: "Documents",
  voice: "Voice",
  other: "Other",
};

/** One day's settled spend of one kind on one model, in neurons. */
export interface UsageSlice {
  kind: UsageKind;
  model: string;
  neurons: number;
}

/** A UTC day (YYYY-MM-DD) and what was settled on it, dearest slice first. */
export interface UsageChartDay {
  day: string;
  slices: UsageSlice[];
}

/** The owner's decision for one person: a daily budget instead of the configured one, and/or a block. */
export interface PersonOverride {
  /** Neurons a day instead of the deployment's budget for this kind of person; null: the configured budget. */
  dailyLimit: number | null;
  blocked: boolean;
}

/** `GET /api/usage/mine`: the caller's own 30 days (oldest first) and today's budget. */
export interface MyUsage {
  days: UsageChartDay[];
  today: { limit: number; used: number; left: number | null; blocked: boolean; resetsInSeconds: number };
}

/** One person on the owner's list: their spend today and over 30 days, as their ledger last reported it. */
export interface PersonSpend {
  key: string;
  kind: "guest" | "account" | "access";
  label: string;
  today: number;
  month: number;
  override: PersonOverride | null;
  /** When their ledger last reported (ms since 1970): the figures are as of then; null: not known. */
  updatedAt: number | null;
}

/** `GET /api/usage/people`: the deployment's 30 days by kind and model, and its people, dearest first. */
export interface DeploymentUsage {
  days: UsageChartDay[];
  people: PersonSpend[];
  asOf: string;
  /** The newest report behind these figures (ms since 1970); null before anyone reported. */
  updatedAt: number | null;
}

/** At most this many people on the owner's list (the dearest over 30 days). */
export const PEOPLE_LISTED = 100;

/** A spender key as the ledger names people: guest:<id>, account:<id> or access:<email>. */
export const spenderKeySchema = z
  .string()
  .max(300)
  .regex(/^(guest|account|access):[^\s]+$/, "Not a person's key.");

/** `PUT /api/usage/people/:key`: the owner's decision; a null limit goes back to the configured budget. */
export const personOverrideSchema = z.object({
  dailyLimit: z.number().int().min(1).max(1_000_000_000).nullable(),
  blocked: z.boolean(),
});
