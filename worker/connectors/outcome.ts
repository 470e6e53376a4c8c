import { AppError, type ErrorBody } from "../../contract/errors";

/**
 * A connector call's answer across the Durable Object's RPC: Workers RPC hands a thrown error back as
 * a plain Error with only its message, so an AppError (its code and status) travels as data instead.
 */
export type Outcome<T> = { value: T } | { error: ErrorBody["error"] };

export async function outcome<T>(run: () => T | Promise<T>): Promise<Outcome<T>> {
  try {
    return { value: await run() };
  } catch (error) {
    if (error instanceof AppError) return { error: error.toBody().error };
    throw error;
  }
}

export function unwrap<T>(result: Outcome<T>): T {
  if ("error" in result) throw new AppError(result.error.code, result.error.message);
  return result.value;
}
