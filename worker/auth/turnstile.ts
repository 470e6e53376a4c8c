import { AppError } from "../../contract/errors";

/**
 * Checks a Turnstile token with the siteverify endpoint (server-side: the secret never leaves the
 * Worker). Any failure to verify refuses, so an outage of the check cannot open the door.
 */
export async function verifyTurnstile(
  settings: { secretKey: string; verifyUrl: string },
  token: string | undefined,
  remoteIp: string | undefined,
): Promise<void> {
  if (!token) throw new AppError("challenge_required");
  const form = new FormData();
  form.set("secret", settings.secretKey);
  form.set("response", token);
  if (remoteIp) form.set("remoteip", remoteIp);
  let outcome: { success?: boolean };
  try {
    const response = await fetch(settings.verifyUrl, { method: "POST", body: form, signal: AbortSignal.timeout(10_000) });
    outcome = (await response.json()) as { success?: boolean };
  } catch {
    throw new AppError("challenge_failed", "The check that you are a person could not be completed right now. Try again in a moment.");
  }
  if (outcome.success !== true) throw new AppError("challenge_failed");
}
