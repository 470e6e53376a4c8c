import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import ts from "typescript";
import { findEmbeddingModel } from "../../contract/embedding-models";
import { DOCUMENT_EMBEDDING_MODEL } from "../../contract/models";
import { DeployError } from "./errors";

/** What a deployment needs to exist before `wrangler deploy`, read from the project's own files. */
export interface DeployConfig {
  workerName: string;
  /** The MEDIA binding's bucket, and the lifecycle rule that expires unasked photo uploads. */
  bucket?: { name: string; rule: LifecycleRule };
  /** Only when VECTOR_INDEX is "vectorize": the documents' index and the metadata property queries filter on. */
  vectorize?: { index: string; dimensions: number; metric: "cosine"; metadataProperty: "document" };
  requiredSecrets: string[];
}

export interface LifecycleRule {
  id: string;
  prefix: string;
  expireDays: number;
}

const SECONDS_A_DAY = 86_400;

/** Reads wrangler.jsonc and deploy/r2-lifecycle.json in `root` (the project's folder). */
export function readDeployConfig(root: string): DeployConfig {
  const wrangler = readJsonc(resolve(root, "wrangler.jsonc")) as WranglerConfig;
  if (!wrangler.name) throw new DeployError("wrangler.jsonc has no `name`: the Worker needs one to deploy.");
  // Development's allowance (worker/http/outbound-url.ts): a deployed Worker fetching private addresses for anyone who asks.
  if (wrangler.vars?.ALLOW_PRIVATE_OUTBOUND?.trim().toLowerCase() === "true")
    throw new DeployError(
      'ALLOW_PRIVATE_OUTBOUND is "true" in wrangler.jsonc: that is for `npm run dev` and the tests only. Set it to "false".',
    );
  const media = wrangler.r2_buckets?.find((b) => b.binding === "MEDIA") ?? wrangler.r2_buckets?.[0];
  const mode = (wrangler.vars?.VECTOR_INDEX || "sqlite").trim().toLowerCase();
  if (mode !== "sqlite" && mode !== "vectorize")
    throw new DeployError(`VECTOR_INDEX in wrangler.jsonc must be sqlite or vectorize, not ${mode}.`);
  let vectorize: DeployConfig["vectorize"];
  if (mode === "vectorize") {
    const binding = wrangler.vectorize?.find((v) => v.binding === "VECTORIZE");
    if (!binding?.index_name)
      throw new DeployError("VECTOR_INDEX is vectorize but wrangler.jsonc declares no VECTORIZE binding with an index_name: add one.");
    const model = findEmbeddingModel(DOCUMENT_EMBEDDING_MODEL);
    if (!model) throw new DeployError(`The documents' embedding model ${DOCUMENT_EMBEDDING_MODEL} is not in contract/embedding-models.ts.`);
    vectorize = { index: binding.index_name, dimensions: model.dimensions, metric: "cosine", metadataProperty: "document" };
  }
  return {
    workerName: wrangler.name,
    bucket: media?.bucket_name
      ? { name: media.bucket_name, rule: readLifecycleRule(resolve(root, "deploy/r2-lifecycle.json")) }
      : undefined,
    vectorize,
    requiredSecrets: wrangler.secrets?.required ?? [],
  };
}

interface WranglerConfig {
  name?: string;
  r2_buckets?: { binding: string; bucket_name?: string }[];
  vectorize?: { binding: string; index_name?: string }[];
  vars?: Record<string, string>;
  secrets?: { required?: string[] };
}

/**
 * The one rule deploy/r2-lifecycle.json holds, as `wrangler r2 bucket lifecycle add` takes it: the file
 * stays the single statement of the rule, and `add` (unlike `set`) keeps rules the owner added by hand.
 */
function readLifecycleRule(file: string): LifecycleRule {
  const { rules } = readJsonc(file) as { rules?: RawRule[] };
  const rule = rules?.[0];
  const maxAge = rule?.deleteObjectsTransition?.condition;
  if (!rule?.id || !rule.conditions?.prefix || maxAge?.type !== "Age" || !maxAge.maxAge || maxAge.maxAge % SECONDS_A_DAY !== 0)
    throw new DeployError(`${file} must hold one rule with an id, a prefix, and an Age expiry in whole days.`);
  return { id: rule.id, prefix: rule.conditions.prefix, expireDays: maxAge.maxAge / SECONDS_A_DAY };
}

interface RawRule {
  id?: string;
  conditions?: { prefix?: string };
  deleteObjectsTransition?: { condition?: { type?: string; maxAge?: number } };
}

/** JSON with comments and trailing commas, as Wrangler reads it (TypeScript's parser reads the same dialect). */
function readJsonc(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new DeployError(`${file} could not be read: run the deploy from the project's folder.`);
  }
  const { config, error } = ts.parseConfigFileTextToJson(file, text);
  if (error) throw new DeployError(`${file} is not valid JSON: ${ts.flattenDiagnosticMessageText(error.messageText, " ")}`);
  return config;
}
