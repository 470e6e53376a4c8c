import { tool, type Tool } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { BUILTIN_TOOLS, type BuiltinTool } from "../../contract/builtin-tools";
import { TOOL_LIMITS } from "../../contract/tools";
import { capOutput, cutText } from "./cap-output";
import {
  approvalFor,
  builtinsOn,
  connectorKeysOn,
  modelTakesTools,
  offerTools,
  toolsPromptTokens,
  type ConnectorToolSet,
} from "./registry";
import { guardTool, sentenceFor } from "./run-tool";
import { validTimeZone } from "./time-zone";

const plain = (run: (input: any, options: any) => unknown = () => "ok"): Tool =>
  tool({
    description: "A tool.",
    inputSchema: z.object({ q: z.string().optional() }),
    execute: async (input: any, options: any) => run(input, options),
  });
const builtins = Object.fromEntries(BUILTIN_TOOLS.map((t) => [t.name, plain()]));
const call = { toolCallId: "c1", messages: [], context: {} } as never;

function connectors(keys: Record<string, boolean>): ConnectorToolSet & { closed: number } {
  const set = {
    tools: Object.fromEntries(Object.keys(keys).map((k) => [k, plain()])),
    needsApproval: keys,
    labels: Object.fromEntries(Object.keys(keys).map((k) => [k, `${k} (server)`])),
    closed: 0,
    close: async () => {
      set.closed++;
    },
  };
  return set;
}

describe("which tools are on", () => {
  it("settings.tools unset: every built-in on by default and every connector tool handed over", () => {
    const offer = offerTools({}, builtins, connectors({ mcp_abc123_echo: true }))!;
    const byDefault = BUILTIN_TOOLS.filter((t: BuiltinTool) => t.onByDefault !== false).map((t) => t.name);
    expect(byDefault).not.toContain("translate");
    expect(Object.keys(offer.tools)).toEqual([...byDefault, "mcp_abc123_echo"]);
    expect(offer.maxSteps).toBe(TOOL_LIMITS.maxSteps.default);
  });

  it("a built-in off by default (translate) is offered only where the settings name it", () => {
    expect(builtinsOn({})).not.toContain("translate");
    expect(builtinsOn({ tools: ["translate"] })).toEqual(["translate"]);
    expect(Object.keys(offerTools({ tools: ["translate", "calculate"] }, builtins)!.tools)).toEqual(["calculate", "translate"]);
  });

  it("settings.tools names them: only those, built-ins and connector keys alike", () => {
    expect(builtinsOn({ tools: ["calculate", "mcp_abc123_echo"] })).toEqual(["calculate"]);
    expect(connectorKeysOn({ tools: ["calculate", "mcp_abc123_echo"] })).toEqual(["mcp_abc123_echo"]);
    expect(connectorKeysOn({})).toBeUndefined();
    expect(connectorKeysOn({ tools: ["calculate"] })).toEqual([]);
  });

  it("none on: no offer at all, and the connectors' clients are closed", () => {
    const set = connectors({});
    expect(offerTools({ tools: [] }, builtins, set)).toBeUndefined();
    expect(set.closed).toBe(1);
  });

  it("at most TOOL_LIMITS.perAnswer tools, built-ins first", () => {
    const many = connectors(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`mcp_abc123_t${i}`, true])));
    const offer = offerTools({}, builtins, many)!;
    expect(Object.keys(offer.tools)).toHaveLength(TOOL_LIMITS.perAnswer);
    const byDefault = builtinsOn({});
    expect(Object.keys(offer.tools).slice(0, byDefault.length)).toEqual(byDefault);
  });

  it("only models the catalog flags `tools`", () => {
    expect(modelTakesTools("@cf/meta/llama-4-scout-17b-16e-instruct")).toBe(true);
    expect(modelTakesTools("@cf/meta/llama-3.2-1b-instruct")).toBe(false);
    expect(modelTakesTools("@cf/nobody/nothing")).toBe(false);
  });
});

describe("approval policy", () => {
  it("built-ins by the catalog, connector tools ask unless switched off, alwaysAllow lifts either", () => {
    const offer = offerTools(
      { alwaysAllow: ["read_web_page", "mcp_abc123_b"] },
      builtins,
      connectors({ mcp_abc123_a: true, mcp_abc123_b: true, mcp_abc123_c: false }),
    )!;
    expect(offer.toolApproval).toEqual({
      generate_image: "user-approval",
      search_documents: "not-applicable",
      read_web_page: "approved",
      calculate: "not-applicable",
      date_time: "not-applicable",
      remember: "user-approval",
      mcp_abc123_a: "user-approval",
      mcp_abc123_b: "approved",
      mcp_abc123_c: "not-applicable",
    });
    expect(approvalFor("x", true)).toBe("user-approval");
    // Off by default, and runs without asking where a chat names it.
    expect(offerTools({ tools: ["translate"] }, builtins)!.toolApproval).toEqual({ translate: "not-applicable" });
  });
});

describe("guarded tools", () => {
  it("a throw becomes an Error with a sentence naming the tool", async () => {
    const guarded = guardTool(
      plain(() => {
        throw new Error("  no\nroute ");
      }),
      { label: "Read web page" },
    );
    await expect(guarded.execute!({}, call)).rejects.toThrow("Read web page failed: no route");
    expect(sentenceFor("Calculator", "")).toBe("Calculator failed without saying why.");
  });

  it("a tool past its time is aborted and told as a timeout, even if it ignores its signal", async () => {
    let signal: AbortSignal | undefined;
    const guarded = guardTool(
      plain((_, options) => {
        signal = options.abortSignal;
        return new Promise(() => {});
      }),
      { label: "Slow", timeoutMs: 20 },
    );
    await expect(guarded.execute!({}, call)).rejects.toThrow("Slow took longer than 0 s and was stopped.");
    expect(signal?.aborted).toBe(true);
  });

  it("Stop (the answer's own abort) goes through as it is", async () => {
    const stop = new AbortController();
    const guarded = guardTool(
      plain(
        (_, options) => new Promise((_, reject) => options.abortSignal.addEventListener("abort", () => reject(options.abortSignal.reason))),
      ),
      { label: "Any" },
    );
    const running = guarded.execute!({}, { ...(call as object), abortSignal: stop.signal } as never);
    stop.abort(new Error("stopped by the person"));
    await expect(running).rejects.toThrow("stopped by the person");
  });

  it("caps what the tool returns", async () => {
    const guarded = guardTool(
      plain(() => "x".repeat(50)),
      { label: "Big", outputChars: 120 },
    );
    const out = (await guarded.execute!({}, call)) as string;
    expect(out).toBe("x".repeat(50));
    const cut = (await guardTool(
      plain(() => "y".repeat(500)),
      { label: "Big", outputChars: 120 },
    ).execute!({}, call)) as string;
    expect(cut.length).toBe(120);
    expect(cut).toContain("[Cut: the tool's output was 500 characters");
  });
});

describe("capOutput", () => {
  it("leaves what fits alone", () => {
    const small = { a: 1, b: ["x"] };
    expect(capOutput(small, 100)).toBe(small);
    expect(capOutput("short", 100)).toBe("short");
  });

  it("shortens the longest strings first, keeping the shape and the small fields", () => {
    const out = capOutput({ imageId: "i1", url: "/api/images/i1", content: [{ type: "text", text: "é\n".repeat(5000) }] }, 1000) as any;
    expect(JSON.stringify(out).length).toBeLessThanOrEqual(1000);
    expect(out).toMatchObject({ imageId: "i1", url: "/api/images/i1", content: [{ type: "text" }] });
    expect(out.content[0].text).toContain("[Cut: the tool's output was 10,000 characters");
  });

  it("an output of many small pieces becomes its JSON text, cut", () => {
    const out = capOutput(
      Array.from({ length: 2000 }, (_, i) => i),
      500,
    );
    expect(typeof out).toBe("string");
    expect((out as string).length).toBe(500);
    expect(cutText("abc", 2).length).toBe(2);
  });
});

describe("the tools' share of the prompt", () => {
  it("counts every definition: name, description and schema", async () => {
    const one = await toolsPromptTokens({ a: plain() });
    const two = await toolsPromptTokens({ a: plain(), b: plain() });
    expect(one).toBeGreaterThan(20);
    expect(two).toBeGreaterThan(one * 1.8);
  });
});

describe("time zone", () => {
  it("keeps a zone Intl knows and falls back to UTC", () => {
    expect(validTimeZone("Europe/Paris")).toBe("Europe/Paris");
    expect(validTimeZone("Mars/Olympus")).toBe("UTC");
    expect(validTimeZone(undefined)).toBe("UTC");
  });

  it("answers the same the second time (from its cache), and a flood of made-up names stays bounded", () => {
    expect(validTimeZone("Asia/Tokyo")).toBe("Asia/Tokyo");
    expect(validTimeZone("Asia/Tokyo")).toBe("Asia/Tokyo");
    expect(validTimeZone("Mars/Olympus")).toBe("UTC");
    for (let i = 0; i < 2_000; i++) expect(validTimeZone(`Nowhere/${i}`)).toBe("UTC");
    // Past the cache's bound a name is still checked, not guessed.
    expect(validTimeZone("America/New_York")).toBe("America/New_York");
    expect(validTimeZone("Nowhere/again")).toBe("UTC");
  });
});
