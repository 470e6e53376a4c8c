import type { DeployConfig } from "./config";
import { DeployError } from "./errors";
import { failureMessage, mustRunWrangler, runWrangler, stripAnsi } from "./wrangler";

/** What the Cloudflare account already has of what this deployment needs. */
export interface Inventory {
  bucketExists: boolean;
  lifecycleRules: string[];
  indexExists: boolean;
  metadataIndexes: string[];
  workerExists: boolean;
  secrets: string[];
}

/** Asks Wrangler, one list command per kind of resource; anything it cannot list stops the deploy. */
export async function listExisting(config: DeployConfig): Promise<Inventory> {
  const inventory: Inventory = {
    bucketExists: false,
    lifecycleRules: [],
    indexExists: false,
    metadataIndexes: [],
    workerExists: true,
    secrets: [],
  };
  if (config.bucket) {
    // `r2 bucket list` has no JSON output: it prints "name: <bucket>" blocks.
    const { stdout } = await mustRunWrangler(["r2", "bucket", "list"]);
    inventory.bucketExists = labelled(stdout, "name").includes(config.bucket.name);
    if (inventory.bucketExists) {
      const rules = await mustRunWrangler(["r2", "bucket", "lifecycle", "list", config.bucket.name]);
      inventory.lifecycleRules = labelled(rules.stdout, "name");
    }
  }
  if (config.vectorize) {
    const { stdout } = await mustRunWrangler(["vectorize", "list", "--json"]);
    const indexes = jsonArray<{ name?: string }>(stdout, "vectorize list");
    inventory.indexExists = indexes.some((index) => index.name === config.vectorize?.index);
    if (inventory.indexExists) {
      const metadata = await mustRunWrangler(["vectorize", "list-metadata-index", config.vectorize.index, "--json"]);
      inventory.metadataIndexes = jsonArray<{ propertyName?: string }>(metadata.stdout, "vectorize list-metadata-index").flatMap((m) =>
        m.propertyName ? [m.propertyName] : [],
      );
    }
  }
  if (config.requiredSecrets.length) {
    const args = ["secret", "list", "--format", "json"];
    const result = await runWrangler(args);
    if (result.code === 0)
      inventory.secrets = jsonArray<{ name?: string }>(result.stdout, "secret list").flatMap((s) => (s.name ? [s.name] : []));
    else if (isWorkerNotFound(result.stderr + result.stdout)) inventory.workerExists = false;
    else throw new DeployError(failureMessage(args, result));
  }
  return inventory;
}

/** Values of `label: value` lines, as Wrangler's formatLabelledValues prints them (coloured on a terminal). */
export function labelled(output: string, label: string): string[] {
  const pattern = new RegExp(`^\\s*${label}:\\s+(\\S.*?)\\s*$`, "gm");
  return [...stripAnsi(output).matchAll(pattern)].map((m) => m[1]);
}

/** A `--json` answer: the array Wrangler printed, whatever banner or notice came before it. */
export function jsonArray<T>(output: string, command: string): T[] {
  const start = output.indexOf("[");
  const end = output.lastIndexOf("]");
  try {
    const parsed: unknown = start >= 0 && end > start ? JSON.parse(output.slice(start, end + 1)) : undefined;
    if (Array.isArray(parsed)) return parsed as T[];
  } catch {
    // reported below
  }
  throw new DeployError(
    `\`wrangler ${command}\` did not answer the JSON list expected; it said:\n${stripAnsi(output).trim().slice(0, 500)}`,
  );
}

/** `secret list` on a Worker never deployed: its secrets are none, and `secret put` creates it. */
function isWorkerNotFound(output: string): boolean {
  return /Worker "[^"]+".* not found/.test(stripAnsi(output));
}
