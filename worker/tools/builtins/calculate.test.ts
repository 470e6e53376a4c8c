import { describe, expect, it } from "vitest";
import { AppError } from "../../../contract/errors";
import { calculate, calculateTool, MAX_EXPRESSION_CHARS } from "./calculate";

async function refusal(expression: string): Promise<string> {
  try {
    await calculate(expression);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("tool_input");
    return (error as AppError).message;
  }
  throw new Error(`${expression} was evaluated`);
}

describe("calculate", () => {
  it.each([
    ["2 * (3 + 4)", "14"],
    ["0.1 + 0.2", "0.3"],
    ["123456789012345 + 1", "123456789012346"],
    ["sqrt(2) ^ 2", "2"],
    ["15% * 80", "12"],
    ["10 mod 3", "1"],
    ["round(1234.5678, 2)", "1234.57"],
    ["sin(pi / 2)", "1"],
    ["5 km to mile", "3.10685596118667 mile"],
    ["det([[1, 2], [3, 4]])", "-2"],
    ["factorial(10)", "3628800"],
    ["sqrt(-4)", "2i"],
  ])("%s = %s", async (expression, result) => {
    expect(await calculate(expression)).toEqual({ expression, result });
  });

  it("refuses what is not one expression before running anything: assignments, definitions, ranges, blocks, indexing", async () => {
    expect(await refusal("a = 5")).toMatch(/found an assignment/);
    expect(await refusal("f(n) = f(n - 1)")).toMatch(/found a function definition/);
    expect(await refusal("1:1e9")).toMatch(/found a range/);
    expect(await refusal("1; 2")).toMatch(/found several expressions/);
    expect(await refusal("[1, 2, 3][2]")).toMatch(/found indexing\)/);
    expect(await refusal("{a: 1}")).toMatch(/found an object/);
  });

  it("disables the functions mathjs's security guide names, and the matrix builders whose size is an argument", async () => {
    for (const name of [
      'evaluate("1 + 1")',
      'parse("1")',
      'simplify("x + x")',
      'derivative("x^2", "x")',
      'createUnit("foo")',
      'compile("1")',
    ]) {
      expect(await refusal(name)).toMatch(/is not available in this calculator/);
    }
    expect(await refusal("zeros(100000, 100000)")).toMatch(/zeros is not available/);
    expect(await refusal("ones(1e9)")).toMatch(/ones is not available/);
    expect(await refusal("random([1e9])")).toMatch(/random is not available/);
  });

  it("bounds the functions that loop as often as their argument says", async () => {
    expect(await refusal("combinations(1e15, 5e14)")).toMatch(/combinations accepts arguments up to 10,000/);
    expect(await refusal("factorial(bignumber(100000))")).toMatch(/factorial accepts arguments up to 10,000/);
  });

  it("says what is wrong with a bad expression, in words the model can act on", async () => {
    expect(await refusal("2 +")).toMatch(/could not be read: Unexpected end of expression/);
    expect(await refusal("x + 1")).toMatch(/could not be evaluated: Undefined symbol x/);
    expect(await refusal("sqrt")).toMatch(/names a function without calling it/);
    expect(await refusal("   ")).toMatch(/empty/);
    expect(await refusal("1+".repeat(MAX_EXPRESSION_CHARS) + "1")).toMatch(/at most 500/);
  });

  it("is an AI SDK tool whose execute returns the result", async () => {
    const tool = calculateTool();
    expect(await tool.execute!({ expression: "6 * 7" }, { toolCallId: "t", messages: [], context: undefined })).toEqual({
      expression: "6 * 7",
      result: "42",
    });
  });
});
