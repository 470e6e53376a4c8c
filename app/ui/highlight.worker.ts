/// <reference lib="webworker" />
/*
 * Syntax highlighting off the main thread. Shiki's JavaScript regex engine turns each grammar's
 * Oniguruma patterns into RegExps the first time a rule is used (100+ ms in one go for TypeScript),
 * and tokenizing is per character; here neither can hold up the page. The worker reuses
 * @streamdown/code's plugin as is (its per-language highlighters, result cache and incremental
 * re-tokenizing of a growing block), so output matches what Streamdown's own plugin produces.
 */
import { code } from "@streamdown/code";
import type { HighlightRequest, HighlightResponse } from "./highlight-protocol";

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<HighlightRequest>) => {
  const { id, code: text, language, themes, isIncomplete } = event.data;
  const reply = (result: HighlightResponse["result"]) => scope.postMessage({ id, result } satisfies HighlightResponse);
  try {
    // The main thread names languages and themes as the markdown spelled them; Shiki falls back to
    // plain text for a name it does not know, so the wide strings are safe to pass on.
    const options = { code: text, language, themes, isIncomplete } as Parameters<typeof code.highlight>[0];
    const cached = code.highlight(options, (result) => reply(result));
    if (cached) reply(cached);
  } catch {
    reply(null);
  }
};
