import type { DeployConfig } from "./config";
import type { Inventory } from "./inventory";

/** One thing to create, in the order it must be created. */
export type Step =
  | { kind: "bucket"; name: string }
  | { kind: "lifecycle"; bucket: string; rule: string; prefix: string; expireDays: number }
  | { kind: "index"; name: string; dimensions: number; metric: string }
  | { kind: "metadata-index"; index: string; property: string }
  | { kind: "secret"; name: string };

/** What is missing: the steps that create it. An account that has everything gets none. */
export function planProvisioning(config: DeployConfig, have: Inventory): Step[] {
  const steps: Step[] = [];
  if (config.bucket) {
    const { name, rule } = config.bucket;
    if (!have.bucketExists) steps.push({ kind: "bucket", name });
    if (!have.lifecycleRules.includes(rule.id))
      steps.push({ kind: "lifecycle", bucket: name, rule: rule.id, prefix: rule.prefix, expireDays: rule.expireDays });
  }
  if (config.vectorize) {
    const { index, dimensions, metric, metadataProperty } = config.vectorize;
    if (!have.indexExists) steps.push({ kind: "index", name: index, dimensions, metric });
    if (!have.metadataIndexes.includes(metadataProperty)) steps.push({ kind: "metadata-index", index, property: metadataProperty });
  }
  for (const name of config.requiredSecrets) if (!have.secrets.includes(name)) steps.push({ kind: "secret", name });
  return steps;
}

/** The Wrangler command of a step (a secret's value goes to its stdin, never here). */
export function commandOf(step: Step): string[] {
  switch (step.kind) {
    case "bucket":
      return ["r2", "bucket", "create", step.name];
    case "lifecycle":
      return [
        "r2",
        "bucket",
        "lifecycle",
        "add",
        step.bucket,
        "--name",
        step.rule,
        "--prefix",
        step.prefix,
        "--expire-days",
        String(step.expireDays),
      ];
    case "index":
      return ["vectorize", "create", step.name, `--dimensions=${step.dimensions}`, `--metric=${step.metric}`];
    case "metadata-index":
      return ["vectorize", "create-metadata-index", step.index, `--property-name=${step.property}`, "--type=string"];
    case "secret":
      return ["secret", "put", step.name];
  }
}

export function describeStep(step: Step): string {
  switch (step.kind) {
    case "bucket":
      return `R2 bucket ${step.name}`;
    case "lifecycle":
      return `lifecycle rule ${step.rule} on ${step.bucket} (${step.prefix} expires after ${step.expireDays} days)`;
    case "index":
      return `Vectorize index ${step.name} (${step.dimensions} dimensions, ${step.metric})`;
    case "metadata-index":
      return `metadata index on ${step.property} for ${step.index}`;
    case "secret":
      return `secret ${step.name} (generated)`;
  }
}
