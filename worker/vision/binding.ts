import type { AiBinding } from "../ai/binding";

/** Workers AI's "Prior to using this model, you must submit the prompt 'agree'". */
const AGREEMENT_REQUIRED = 5016;

/**
 * The binding as the vision route uses it, answering a model's licence prompt once: on error 5016
 * it sends `{prompt: "agree"}` for that model and retries the call a single time; a second 5016 is
 * thrown as it is, so a licence that cannot be accepted never loops.
 */
export function visionBinding(inner: AiBinding, onAccepted: () => void): AiBinding {
  let tried = false;

  const run = async (model: string, inputs: unknown, options?: unknown) => {
    const call = () => (inner.run as (m: string, i: unknown, o?: unknown) => Promise<unknown>)(model, inputs, options);
    try {
      return await call();
    } catch (error) {
      if (tried || errorCode(error) !== AGREEMENT_REQUIRED) throw error;
      tried = true;
      await (inner.run as (m: string, i: unknown) => Promise<unknown>)(model, { prompt: "agree" });
      onAccepted();
      return await call();
    }
  };
  return { run } as AiBinding;
}

function errorCode(error: unknown): number | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === "number") return code;
  const match = typeof message === "string" ? /AiError: (\d{3,5}):/.exec(message) : null;
  return match ? Number(match[1]) : undefined;
}
