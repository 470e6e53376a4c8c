import { LOCAL_ENGINE_FAILED, LOCAL_ENGINE_NO_MODEL } from "../contract/local-engine";

/** Workers AI's error envelope and the codes this engine answers with. */

export const CODES = {
  authentication: 10000,
  incompleteRequest: 3003,
  requestTooLarge: 3006,
  invalidData: 5004,
  noSuchModel: 5007,
  contextWindow: 5021,
  noRoute: 7000,
  noModel: LOCAL_ENGINE_NO_MODEL,
  /** The Worker maps it to "upstream". */
  modelProcessFailed: LOCAL_ENGINE_FAILED,
  /** A request from the wrong Host or from a web page (./request-guard.ts); the Worker never gets it. */
  refused: 9904,
} as const;

export class EngineError extends Error {
  constructor(
    readonly code: number,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function envelope(code: number, message: string) {
  return { result: null, success: false, errors: [{ code, message }], messages: [] };
}
