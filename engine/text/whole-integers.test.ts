import { getLlama, LlamaLogLevel } from "node-llama-cpp";
import { describe, expect, it } from "vitest";
import { GrammarCache, withWholeIntegers } from "./tool-calls";

describe("forced tool calls' integers", () => {
  it("the integer rule of node-llama-cpp's JSON grammar loses its exponent; numbers keep theirs", async () => {
    const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
    const schema = { type: "object", properties: { days: { type: "integer" }, share: { type: "number" } } } as const;
    const theirs = (await llama.createGrammarForJsonSchema(schema)).grammar;
    // What the library writes (if an upgrade changes it, this says so before the rewrite silently stops).
    expect(theirs).toMatch(/^integer-number-rule ::= .*\[eE\]/m);

    const ours = (await new GrammarCache(llama).get(schema)).grammar;
    const integerRule = ours.split("\n").find((line) => line.startsWith("integer-number-rule ::="));
    expect(integerRule).toBe('integer-number-rule ::= "-"? ("0" | [1-9] [0-9]{0,15})');
    expect(ours).toMatch(/^fractional-number-rule ::= .*\[eE\]/m);
    expect(withWholeIntegers('root ::= "{}"')).toBe('root ::= "{}"');
  });
});
