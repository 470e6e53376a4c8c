import type { UserStoreRpc } from "../store/stub";

/**
 * TEST DOUBLE of the user's store whose writes fail (an outage, a refused quota), to prove that what
 * was already written to R2 is removed again. Reads answer as an empty store would.
 */
export function failingStore(error = new Error("the store is unavailable")): UserStoreRpc & { attempts: string[] } {
  const attempts: string[] = [];
  const fail = (name: string) => async () => {
    attempts.push(name);
    throw error;
  };
  return { attempts, saveImage: fail("saveImage"), addVisionImage: fail("addVisionImage") } as unknown as UserStoreRpc & {
    attempts: string[];
  };
}
