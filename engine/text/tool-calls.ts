import type { ChatModelFunctions, GbnfJsonSchema, Llama, LlamaGrammar } from "node-llama-cpp";
import type { GenerateRequest, GeneratedToolCall, ToolSpec } from "./protocol";
import { toGbnfSchema } from "./tool-schema";

/**
 * How a request's tools reach the model. "auto": node-llama-cpp's function calling, in the chat
 * wrapper's own syntax (documented in the system prompt, the name and parameters grammar-constrained
 * once the model starts a call), so the model decides. "forced" (tool_choice "required" or a name):
 * the whole answer is a JSON grammar for `{"name", "arguments"}` over the allowed functions, so the
 * model cannot answer anything but a valid call.
 */
export type ToolMode = { kind: "none" } | { kind: "auto"; functions: ChatModelFunctions } | { kind: "forced"; tools: ToolSpec[] };

export function toolMode(req: GenerateRequest): ToolMode {
  const tools = req.tools ?? [];
  if (!tools.length) return { kind: "none" };
  const choice = req.toolChoice ?? "auto";
  if (choice === "auto") return { kind: "auto", functions: Object.fromEntries(tools.map((t) => [t.name, chatFunction(t)])) };
  return { kind: "forced", tools: choice === "required" ? tools : tools.filter((t) => t.name === choice.name) };
}

function chatFunction(tool: ToolSpec): ChatModelFunctions[string] {
  const params = argumentsSchema(tool);
  return { ...(tool.description ? { description: tool.description } : {}), ...(params ? { params } : {}) };
}

/** A function whose arguments object lists no properties takes none: the wrapper writes an empty call. */
function argumentsSchema(tool: ToolSpec): GbnfJsonSchema | undefined {
  const properties = tool.parameters?.properties;
  if (!properties || typeof properties !== "object" || !Object.keys(properties).length) return undefined;
  return toGbnfSchema(tool.parameters);
}

/** The JSON a forced answer must be: one call of one of the allowed functions. */
export function forcedCallSchema(tools: ToolSpec[]): GbnfJsonSchema {
  const call = (tool: ToolSpec): GbnfJsonSchema => ({
    type: "object",
    properties: {
      name: { const: tool.name },
      arguments: argumentsSchema(tool) ?? { type: "object", properties: {}, additionalProperties: false },
    },
    required: ["name", "arguments"],
    additionalProperties: false,
  });
  return tools.length === 1 ? call(tools[0]) : { oneOf: tools.map(call) };
}

/** A forced answer's JSON as the call it is, or undefined when it is not one (cut off by max_tokens). */
export function parseForcedCall(text: string): GeneratedToolCall | undefined {
  try {
    const value = JSON.parse(text) as { name?: unknown; arguments?: unknown };
    if (typeof value.name !== "string") return undefined;
    return { name: value.name, arguments: JSON.stringify(value.arguments ?? {}) };
  } catch {
    return undefined;
  }
}

/**
 * node-llama-cpp's JSON grammar (3.21) lets an integer carry an exponent, negative ones included, so a
 * random-weight model can write `"days": 3e-5`, which is valid for the grammar and parses to a fraction
 * the tool's schema then refuses (a flaky engine test found it). The integer rule here is digits only.
 */
const INTEGER_RULE = /^(integer-number-rule ::= "-"\? \("0" \| \[1-9\] \[0-9\]\{0,15\}\)) \(\[eE\].*$/m;

export function withWholeIntegers(grammar: string): string {
  return grammar.replace(INTEGER_RULE, "$1");
}

/** Compiled grammars by schema: a tool loop sends the same tools on every step. */
export class GrammarCache {
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();

  constructor(
    private readonly llama: Llama,
    private readonly size = 16,
  ) {}

  get(schema: GbnfJsonSchema): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (grammar) {
      this.grammars.delete(key); // most recently used last
    } else {
      grammar = this.llama.createGrammarForJsonSchema(schema as never).then((json) => {
        const text = withWholeIntegers(json.grammar);
        return text === json.grammar
          ? json
          : this.llama.createGrammar({
              grammar: text,
              stopGenerationTriggers: json.stopGenerationTriggers,
              trimWhitespaceSuffix: json.trimWhitespaceSuffix,
            });
      });
      grammar.catch(() => this.grammars.delete(key));
    }
    this.grammars.set(key, grammar);
    if (this.grammars.size > this.size) this.grammars.delete(this.grammars.keys().next().value as string);
    return grammar;
  }
}
