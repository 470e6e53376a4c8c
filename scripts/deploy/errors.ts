/** A deploy step that cannot go on; its message is what the person reads (no stack trace). */
export class DeployError extends Error {
  override name = "DeployError";
}
