import { describe, expect, it } from "vitest";
import { forcedCallSchema } from "./tool-calls";
import { toGbnfSchema } from "./tool-schema";

describe("a tool's JSON Schema as a grammar schema", () => {
  it("keeps what the grammar can follow and drops what it cannot", () => {
    const schema = {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: {
        query: { type: "string", minLength: 1, maxLength: 200, pattern: "^[a-z]+$", description: "What to look for" },
        when: { type: "string", format: "date" },
        url: { type: "string", format: "uri" },
        limit: { type: "number", minimum: 0 },
        tags: { type: "array", items: { type: "string" }, maxItems: 3 },
        mode: { enum: ["fast", "exact", { not: "primitive" }] },
      },
      required: ["query", "missing"],
      additionalProperties: false,
    };
    expect(toGbnfSchema(schema)).toEqual({
      type: "object",
      properties: {
        query: { type: "string", minLength: 1, maxLength: 200, description: "What to look for" },
        when: { type: "string", format: "date" },
        url: { type: "string" },
        limit: { type: "number" },
        tags: { type: "array", items: { type: "string" }, maxItems: 3 },
        mode: { enum: ["fast", "exact"] },
      },
      required: ["query"],
      additionalProperties: false,
    });
  });

  it("turns nullable types, anyOf and small integer ranges into what the grammar has", () => {
    expect(toGbnfSchema({ type: ["string", "null"] })).toEqual({ type: ["string", "null"] });
    expect(toGbnfSchema({ anyOf: [{ type: "integer" }, { const: "all" }] })).toEqual({ oneOf: [{ type: "integer" }, { const: "all" }] });
    expect(toGbnfSchema({ type: "integer", minimum: 1, maximum: 3 })).toEqual({ enum: [1, 2, 3] });
    expect(toGbnfSchema({ type: "integer", minimum: 0, maximum: 1e6 })).toEqual({ type: "integer" });
  });

  it("inlines references a few levels deep, and treats a loop or an unknown schema as any value", () => {
    const tree = {
      type: "object",
      properties: { root: { $ref: "#/definitions/node" } },
      definitions: { node: { type: "object", properties: { name: { type: "string" }, child: { $ref: "#/definitions/node" } } } },
    };
    let node = (toGbnfSchema(tree) as { properties: Record<string, unknown> }).properties.root as { properties: Record<string, unknown> };
    for (let depth = 1; depth < 4; depth++) node = node.properties.child as typeof node;
    expect(node.properties.name).toEqual({ type: "string" });
    expect(node.properties.child).toHaveProperty("oneOf");
    expect(toGbnfSchema(undefined)).toHaveProperty("oneOf");
    expect(toGbnfSchema({ type: "object", properties: { x: { not: {} } } })).toMatchObject({
      properties: { x: { oneOf: expect.any(Array) } },
    });
  });

  it("makes a forced answer exactly one call of the allowed functions, with {} for one without arguments", () => {
    const weather = { name: "weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } };
    const clock = { name: "clock", parameters: { type: "object" } };
    expect(forcedCallSchema([clock])).toEqual({
      type: "object",
      properties: { name: { const: "clock" }, arguments: { type: "object", properties: {}, additionalProperties: false } },
      required: ["name", "arguments"],
      additionalProperties: false,
    });
    expect(forcedCallSchema([weather, clock])).toMatchObject({
      oneOf: [
        { properties: { name: { const: "weather" }, arguments: { required: ["city"] } } },
        { properties: { name: { const: "clock" } } },
      ],
    });
  });
});
