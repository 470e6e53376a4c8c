import { tool, zodSchema, type Tool } from "ai";
import type { MathJsInstance, MathNode } from "mathjs";
import { z } from "zod";
import { AppError } from "../../../contract/errors";
import { describeBuiltin } from "./describe";

/** Longer than any sum a person asks about; short enough that a literal matrix stays small. */
export const MAX_EXPRESSION_CHARS = 500;

/**
 * Node kinds a calculation needs. Everything else is refused before anything runs: assignments and
 * function definitions (a recursive definition is a loop the Worker cannot interrupt), blocks,
 * ranges (`1:1e9` builds a billion-element matrix), objects and indexing.
 */
const ALLOWED_NODES = new Set([
  "ConstantNode",
  "OperatorNode",
  "ParenthesisNode",
  "SymbolNode",
  "FunctionNode",
  "ArrayNode",
  "ConditionalNode",
  "RelationalNode",
]);

/**
 * mathjs's security guide: these parse or alter the instance from inside an expression. The matrix
 * builders and random draws are left out too: their size is a number in the expression, so a short
 * input could ask for gigabytes.
 */
const DISABLED = [
  "import",
  "createUnit",
  "reviver",
  "evaluate",
  "parse",
  "compile",
  "simplify",
  "simplifyConstant",
  "simplifyCore",
  "derivative",
  "resolve",
  "rationalize",
  "leafCount",
  "zeros",
  "ones",
  "identity",
  "range",
  "resize",
  "reshape",
  "concat",
  "diag",
  "kron",
  "matrixFromFunction",
  "matrixFromRows",
  "matrixFromColumns",
  "random",
  "randomInt",
  "pickRandom",
  "map",
  "forEach",
  "filter",
];

/** Each of these loops about as many times as its argument: bounded so one call stays milliseconds. */
const LOOPING = [
  "combinations",
  "combinationsWithRep",
  "permutations",
  "factorial",
  "gamma",
  "multinomial",
  "stirlingS2",
  "bellNumbers",
  "catalan",
  "composition",
];
const LOOP_ARGUMENT_LIMIT = 10_000;

interface Calculator {
  math: MathJsInstance;
  parse: MathJsInstance["parse"];
}

let calculator: Promise<Calculator> | undefined;

/**
 * mathjs is 1.4 MB of the Worker's code: imported on the first calculation, so a Worker that never
 * calculates never parses it at startup, and the instance is built once per isolate after that.
 */
function mathjs(): Promise<Calculator> {
  calculator ??= import("mathjs").then(({ create, all }) => build(create(all, { number: "number", precision: 64 })));
  calculator.catch(() => {
    calculator = undefined;
  });
  return calculator;
}

function build(math: MathJsInstance): Calculator {
  // Kept before the expression-level `parse` is disabled below: this one only ever sees our input.
  const parse = math.parse;
  const looping = Object.fromEntries(
    LOOPING.map((name) => {
      const original = (math as unknown as Record<string, (...args: unknown[]) => unknown>)[name];
      return [
        name,
        (...args: unknown[]) => {
          if (args.some(tooLarge)) throw new Error(`${name} accepts arguments up to ${LOOP_ARGUMENT_LIMIT.toLocaleString("en-US")} here`);
          return original(...args);
        },
      ];
    }),
  );
  math.import(
    {
      ...Object.fromEntries(
        DISABLED.map((name) => [
          name,
          () => {
            throw new Error(`Function ${name} is not available in this calculator`);
          },
        ]),
      ),
      ...looping,
    },
    { override: true },
  );
  return { math, parse };
}

function tooLarge(value: unknown): boolean {
  const n = typeof value === "number" ? value : typeof value === "object" && value && "toNumber" in value ? Number(value) : 0;
  return Math.abs(n) > LOOP_ARGUMENT_LIMIT;
}

export interface Calculation {
  expression: string;
  result: string;
}

/** Throws an AppError whose sentence the model can act on: it sees it as the tool's error. */
export async function calculate(expression: string): Promise<Calculation> {
  const text = expression.trim();
  if (!text) throw new AppError("tool_input", "The expression is empty. Send one like `2 * (3 + 4)`.");
  if (text.length > MAX_EXPRESSION_CHARS) {
    throw new AppError("tool_input", `The expression is ${text.length} characters; the calculator takes at most ${MAX_EXPRESSION_CHARS}.`);
  }
  const { math, parse } = await mathjs();
  let node: MathNode;
  try {
    node = parse(text);
  } catch (error) {
    throw new AppError("tool_input", `The expression could not be read: ${reason(error)}.`);
  }
  const refused = new Set<string>();
  node.traverse((child) => {
    if (!ALLOWED_NODES.has(child.type)) refused.add(nodeWord(child.type));
  });
  if (refused.size) {
    throw new AppError(
      "tool_input",
      `The calculator evaluates one expression: no variables, assignments, function definitions, ranges or indexing (found ${[...refused].join(", ")}).`,
    );
  }
  let value: unknown;
  try {
    value = node.compile().evaluate({});
  } catch (error) {
    throw new AppError("tool_input", `The expression could not be evaluated: ${reason(error)}.`);
  }
  if (typeof value === "function" || value === undefined) {
    throw new AppError("tool_input", "The expression names a function without calling it. Call it with arguments, like `sqrt(2)`.");
  }
  return { expression: text, result: formatResult(math, value) };
}

/**
 * Whole numbers a double holds exactly are printed whole; anything else to 15 significant digits,
 * the most a double always round-trips: 0.1 + 0.2 reads 0.3, and no float noise reaches the model.
 */
function formatResult(math: MathJsInstance, value: unknown): string {
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  return math.format(value, { precision: 15 });
}

function reason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\.$/, "").slice(0, 300);
}

function nodeWord(type: string): string {
  return (
    {
      AssignmentNode: "an assignment",
      FunctionAssignmentNode: "a function definition",
      BlockNode: "several expressions",
      RangeNode: "a range",
      AccessorNode: "indexing",
      IndexNode: "indexing",
      ObjectNode: "an object",
    }[type] ?? type
  );
}

// Made once per isolate: the AI SDK caches a schema's JSON form on the wrapper, so a wrapper made per
// request converted it again on every question (bench:relay-profile, MODEL=<a tool model>).
const inputSchema = zodSchema(
  z.object({
    expression: z
      .string()
      .describe("One mathjs expression, e.g. `(4.5 + 3) * 12 / 7`, `sqrt(2) ^ 3`, `15% * 80`, `5 km to mile`, `det([[1, 2], [3, 4]])`."),
  }),
);

export function calculateTool(): Tool {
  return tool({
    description: describeBuiltin("calculate"),
    inputSchema,
    execute: async ({ expression }) => calculate(expression),
  });
}
