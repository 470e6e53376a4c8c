import { expect } from "vitest";
import { AppError } from "../../contract/errors";

/** The AppError a promise rejects with; fails the test when it resolves or rejects with anything else. */
export async function appFailure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error("it did not fail");
}
