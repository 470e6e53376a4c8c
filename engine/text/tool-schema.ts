import type { GbnfJsonSchema } from "node-llama-cpp";

/**
 * A tool's JSON Schema (draft-07 from the AI SDK's zod schemas, or whatever an MCP server sends) as
 * the subset node-llama-cpp turns into a grammar. Keywords the grammar cannot express (minimum,
 * pattern, most string formats) are dropped, so the grammar allows a little more than the schema and
 * the tool's own validation has the last word; references are inlined a few levels deep, and what is
 * left unknown becomes "any JSON value". Never throws: a schema the grammar cannot follow must not
 * cost the person the answer.
 */

type Json = Record<string, unknown>;

type GbnfPrimitive = "string" | "number" | "integer" | "boolean" | "null";
const PRIMITIVES = new Set<string>(["string", "number", "integer", "boolean", "null"]);
const FORMATS = new Set(["date-time", "time", "date"]);
const MAX_REF_DEPTH = 4;
const MAX_LISTED_INTEGERS = 100;

/** Any JSON value (a schema without a type, or one the grammar cannot follow). */
const ANY: GbnfJsonSchema = {
  oneOf: [{ type: ["string", "number", "boolean", "null"] }, { type: "object", additionalProperties: true }, { type: "array" }],
};

export function toGbnfSchema(schema: unknown): GbnfJsonSchema {
  const root = isObject(schema) ? schema : {};
  return convert(root, { root, depth: 0 });
}

interface Scope {
  root: Json;
  depth: number;
}

function convert(schema: unknown, scope: Scope): GbnfJsonSchema {
  if (!isObject(schema)) return ANY;
  const description = typeof schema.description === "string" ? { description: schema.description } : {};
  if (typeof schema.$ref === "string") {
    const target = scope.depth < MAX_REF_DEPTH ? resolveRef(schema.$ref, scope.root) : undefined;
    return target ? convert(target, { ...scope, depth: scope.depth + 1 }) : ANY;
  }
  if ("const" in schema && isPrimitive(schema.const)) return { const: schema.const, ...description };
  if (Array.isArray(schema.enum)) {
    const values = schema.enum.filter(isPrimitive);
    return values.length ? { enum: values, ...description } : ANY;
  }
  const alternatives = (schema.anyOf ?? schema.oneOf) as unknown;
  if (Array.isArray(alternatives) && alternatives.length) return { oneOf: alternatives.map((s) => convert(s, scope)), ...description };
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1) return convert(schema.allOf[0], scope);
  const type = schema.type ?? (isObject(schema.properties) ? "object" : schema.items !== undefined ? "array" : undefined);
  if (Array.isArray(type)) {
    const types = type.filter((t): t is string => typeof t === "string");
    if (types.length && types.every((t) => PRIMITIVES.has(t))) return { type: types as GbnfPrimitive[], ...description };
    return { oneOf: types.map((t) => convert({ ...schema, type: t }, scope)), ...description };
  }
  switch (type) {
    case "object":
      return objectSchema(schema, scope, description);
    case "array":
      return arraySchema(schema, scope, description);
    case "string":
      return stringSchema(schema, description);
    case "integer":
      return integerSchema(schema, description);
    case "number":
    case "boolean":
    case "null":
      return { type: type as GbnfPrimitive, ...description };
    default:
      return ANY;
  }
}

function objectSchema(schema: Json, scope: Scope, description: object): GbnfJsonSchema {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const converted = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, convert(value, scope)]));
  const required = Array.isArray(schema.required)
    ? schema.required.filter((key): key is string => typeof key === "string" && key in converted)
    : [];
  const extra = schema.additionalProperties;
  // An object that lists no properties takes any keys (JSON Schema's default); one that lists some
  // gets only those unless it says otherwise, which keeps a small model from wandering off.
  const additionalProperties = isObject(extra)
    ? convert(extra, scope)
    : typeof extra === "boolean"
      ? extra
      : Object.keys(converted).length === 0;
  return {
    type: "object",
    properties: converted,
    required,
    additionalProperties,
    ...numberField(schema, "minProperties"),
    ...numberField(schema, "maxProperties"),
    ...description,
  };
}

function arraySchema(schema: Json, scope: Scope, description: object): GbnfJsonSchema {
  // draft-07 writes tuples as `items: [...]`, 2020-12 as `prefixItems`.
  const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : undefined;
  const items = isObject(schema.items)
    ? convert(schema.items, scope)
    : isObject(schema.additionalItems)
      ? convert(schema.additionalItems, scope)
      : undefined;
  return {
    type: "array",
    ...(prefix ? { prefixItems: prefix.map((s) => convert(s, scope)) } : {}),
    ...(items ? { items } : {}),
    ...numberField(schema, "minItems"),
    ...numberField(schema, "maxItems"),
    ...description,
  };
}

/** A small integer range (days 1 to 7) as the list of its values: the grammar knows no minimum or maximum. */
function integerSchema(schema: Json, description: object): GbnfJsonSchema {
  const min = schema.minimum;
  const max = schema.maximum;
  if (
    typeof min === "number" &&
    typeof max === "number" &&
    Number.isSafeInteger(min) &&
    Number.isSafeInteger(max) &&
    max >= min &&
    max - min < MAX_LISTED_INTEGERS
  )
    return { enum: Array.from({ length: max - min + 1 }, (_, i) => min + i), ...description };
  return { type: "integer", ...description };
}

function stringSchema(schema: Json, description: object): GbnfJsonSchema {
  if (typeof schema.format === "string" && FORMATS.has(schema.format))
    return { type: "string", format: schema.format as "date-time" | "time" | "date", ...description };
  return { type: "string", ...numberField(schema, "minLength"), ...numberField(schema, "maxLength"), ...description };
}

/** `#/$defs/x` and draft-07's `#/definitions/x` (any JSON pointer into the root, in fact). */
function resolveRef(ref: string, root: Json): unknown {
  if (!ref.startsWith("#")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split("/").filter(Boolean)) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

function numberField(schema: Json, key: string): Record<string, number> {
  const value = schema[key];
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? { [key]: value } : {};
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPrimitive(value: unknown): value is string | number | boolean | null {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}
