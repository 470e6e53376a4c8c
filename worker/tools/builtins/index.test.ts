import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { BUILTIN_TOOLS } from "../../../contract/builtin-tools";
import { builtinTools } from "./index";

it("offers every built-in of the catalog, each executable and described as the catalog describes it", () => {
  const tools = builtinTools({
    env,
    payer: { userId: "u", person: { kind: "guest", owner: false }, address: "local" },
    saveImage: () => {},
    searchDocuments: async () => ({ text: "", citations: [] }),
    timeZone: "UTC",
  });
  expect(Object.keys(tools).sort()).toEqual(BUILTIN_TOOLS.map((t) => t.name).sort());
  for (const entry of BUILTIN_TOOLS) {
    expect(typeof tools[entry.name].execute).toBe("function");
    expect(tools[entry.name].description).toBe(entry.description);
  }
});
