import { AppError } from "../contract/errors";

/**
 * A quota refusal thrown inside the user's Durable Object. Workers RPC hands the caller a plain Error
 * with only the message kept (no class, no own properties), so the code travels in the message and
 * `fromQuotaRefusal` turns it back into the AppError a person reads.
 */
type QuotaCode = "quota_exceeded" | "conversation_full" | "storage_full" | "too_large";
const MARK = /^\[(quota_exceeded|conversation_full|storage_full|too_large)\] ([\s\S]+)$/;

export class QuotaRefusal extends Error {
  constructor(code: QuotaCode, sentence: string) {
    super(`[${code}] ${sentence}`);
  }
}

export function fromQuotaRefusal(error: unknown): AppError | undefined {
  const match = error instanceof Error ? MARK.exec(error.message) : null;
  return match ? new AppError(match[1] as QuotaCode, match[2]) : undefined;
}
