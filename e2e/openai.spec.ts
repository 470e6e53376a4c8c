import { expect, test, type Page } from "@playwright/test";
import OpenAI from "openai";
import { FAKE_AI, setScript } from "./support/fake-control";

// The OpenAI-compatible API with the official `openai` SDK as a real client, against the real stack
// (Vite dev, the Worker in workerd) with the fake Workers AI server (TEST DOUBLE,
// e2e/support/fake-workers-ai.ts) upstream. Keys are made the way a person makes them: in Settings.

const CHAT = "@cf/meta/llama-3.2-1b-instruct";
const EMBED = "@cf/baai/bge-small-en-v1.5";
const IMAGE = "@cf/black-forest-labs/flux-1-schnell";
const PNG_MAGIC = "iVBORw0KGgo"; // base64 of the PNG signature

test.beforeEach(async () => {
  await setScript({ text: "Hello from the fake model." });
});
test.afterEach(async () => {
  await setScript({ tokens: 50 });
});

/** Opens Settings → API keys and creates a key with `name`; returns the key as shown once. */
async function createKeyInSettings(page: Page, name: string): Promise<string> {
  await page.goto("/");
  await page.getByRole("button", { name: "Settings", exact: true }).click();
  await page.getByRole("button", { name: "API keys" }).click();
  await page.getByRole("textbox", { name: "Key name" }).fill(name);
  await page.getByRole("button", { name: "Create key" }).click();
  const shown = page.getByRole("textbox", { name: `New API key “${name}”` });
  await expect(shown).toHaveValue(/^sk-wai-/);
  return shown.inputValue();
}

function clientFor(baseURL: string | undefined, apiKey: string): OpenAI {
  // No retries: a refusal must reach the test as the SDK's typed error.
  return new OpenAI({ baseURL: `${baseURL}/v1`, apiKey, maxRetries: 0 });
}

test("a key made in Settings works with the openai SDK: models, chat (whole and streamed), embeddings, images", async ({
  page,
  baseURL,
}) => {
  const key = await createKeyInSettings(page, "sdk test");
  await expect(page.getByRole("button", { name: "Copy API key" })).toBeVisible();
  const keys = page.getByRole("list", { name: "Your API keys" });
  await expect(keys.getByRole("listitem")).toHaveCount(1);
  await expect(keys).toContainText("sdk test");
  await expect(keys).toContainText(key.slice(0, 13));
  await expect(keys).not.toContainText(key);

  const openai = clientFor(baseURL, key);
  const models = [];
  for await (const model of openai.models.list()) models.push(model.id);
  expect(models).toEqual(expect.arrayContaining([CHAT, EMBED, IMAGE]));

  const whole = await openai.chat.completions.create({ model: CHAT, messages: [{ role: "user", content: "Hi" }] });
  expect(whole.choices[0].message.content).toBe("Hello from the fake model.");
  expect(whole.usage?.total_tokens).toBeGreaterThan(0);

  const stream = await openai.chat.completions.create({
    model: CHAT,
    messages: [{ role: "user", content: "Hi" }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = "";
  let usage: OpenAI.CompletionUsage | null | undefined;
  let finish: string | null = null;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? "";
    finish = chunk.choices[0]?.finish_reason ?? finish;
    if (chunk.usage) usage = chunk.usage;
  }
  expect(text).toBe("Hello from the fake model.");
  expect(finish).toBe("stop");
  expect(usage?.completion_tokens).toBeGreaterThan(0);

  // The SDK asks for base64 by default and decodes it back to floats.
  const embedded = await openai.embeddings.create({ model: EMBED, input: ["first", "second"] });
  expect(embedded.data).toHaveLength(2);
  expect(embedded.data[0].embedding).toHaveLength(384);

  const images = await openai.images.generate({ model: IMAGE, prompt: "a lighthouse", n: 2, response_format: "b64_json" });
  expect(images.data).toHaveLength(2);
  expect(images.data?.every((image) => image.b64_json?.startsWith(PNG_MAGIC))).toBe(true);

  // The key was used: the list says when.
  await page.getByRole("button", { name: "API keys" }).click();
  await page.getByRole("button", { name: "API keys" }).click();
  await expect(keys).toContainText("Last used");
});

test("a wrong key, an unknown model and a revoked key fail as OpenAI's typed errors", async ({ page, baseURL }) => {
  const key = await createKeyInSettings(page, "to revoke");

  const wrong = clientFor(baseURL, "sk-wai-" + "x".repeat(43));
  const unauthorised = await wrong.models.list().catch((e: unknown) => e);
  expect(unauthorised).toBeInstanceOf(OpenAI.AuthenticationError);
  expect((unauthorised as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe("invalid_api_key");

  const openai = clientFor(baseURL, key);
  const unknown = await openai.chat.completions
    .create({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] })
    .catch((e: unknown) => e);
  expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
  expect((unknown as InstanceType<typeof OpenAI.NotFoundError>).code).toBe("model_not_found");

  const invalid = await openai.chat.completions
    .create({ model: CHAT, messages: [{ role: "user", content: "Hi" }], temperature: 5 })
    .catch((e: unknown) => e);
  expect(invalid).toBeInstanceOf(OpenAI.BadRequestError);
  expect((invalid as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("temperature");

  await page.getByRole("button", { name: "Revoke to revoke" }).click();
  await page.getByRole("dialog", { name: "Revoke this API key?" }).getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByText("No API keys yet.")).toBeVisible();
  const revoked = await openai.models.list().catch((e: unknown) => e);
  expect(revoked).toBeInstanceOf(OpenAI.AuthenticationError);
});

test("a spent daily budget is a 429 insufficient_quota, and the page's budget shows the API's use", async ({ page, baseURL }) => {
  const key = await createKeyInSettings(page, "spender");
  const openai = clientFor(baseURL, key);
  // One answer that reports more than a guest's whole day (2,000 neurons by default; a million
  // prompt tokens of this model cost about 2,457).
  await setScript({ text: "Expensive.", promptTokens: 1_000_000 });
  await openai.chat.completions.create({ model: CHAT, messages: [{ role: "user", content: "Hi" }] });
  const refused = await openai.chat.completions
    .create({ model: CHAT, messages: [{ role: "user", content: "Again" }] })
    .catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
  expect((refused as InstanceType<typeof OpenAI.RateLimitError>).code).toBe("insufficient_quota");
  expect(Number((refused as InstanceType<typeof OpenAI.RateLimitError>).headers?.get("retry-after"))).toBeGreaterThan(0);

  const status = await (await page.request.get("/api/status")).json();
  expect(status.budget.limit).toBeGreaterThan(0);
  expect(status.budget.used).toBeGreaterThanOrEqual(status.budget.limit);
});

test("a browser tool on another origin can call /v1 with a key (CORS preflight), and no cookie goes with it", async ({ page, baseURL }) => {
  const key = await createKeyInSettings(page, "browser tool");
  // Another origin: the fake Workers AI server's own address.
  await page.goto(`${FAKE_AI}/__stats`);
  const result = await page.evaluate(
    async ({ url, key }) => {
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "x-stainless-lang": "js" },
        body: JSON.stringify({ model: "@cf/meta/llama-3.2-1b-instruct", messages: [{ role: "user", content: "Hi" }] }),
      });
      const withCookies = await fetch(`${url}/v1/models`, { credentials: "include", headers: { authorization: `Bearer ${key}` } }).then(
        () => "allowed",
        () => "refused",
      );
      return { status: response.status, body: await response.json(), withCookies };
    },
    { url: baseURL!, key },
  );
  expect(result.status).toBe(200);
  expect(result.body.choices[0].message.content).toBe("Hello from the fake model.");
  // CORS never allows credentials on /v1, so a page cannot ride on a visitor's session.
  expect(result.withCookies).toBe("refused");
});
