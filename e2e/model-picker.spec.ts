import { expect, test } from "@playwright/test";
import { CHAT_MODELS } from "../contract/models";

// The chat sends images to models that see them and tools to models that call them (issue 23): the picker says both, in the chat's words.

test("the model picker names what the chat does with a model: sees images, uses tools", async ({ page }) => {
  await page.goto("/");
  const picker = page.getByRole("combobox", { name: "Model", exact: true });
  await expect(picker).toBeVisible();

  const options = await picker.locator("option").allInnerTexts();
  expect(options).toHaveLength(CHAT_MODELS.length);
  for (const [i, model] of CHAT_MODELS.entries()) {
    // The label may itself say "Vision" (Llama 3.2 11B Vision); the badges come after the dash.
    const [label, badges] = options[i]!.split(" — ");
    expect(label).toBe(model.label);
    expect(badges).not.toMatch(/\bvision\b/i);
    expect(badges.includes("sees images")).toBe(model.vision);
    expect(badges.includes("uses tools")).toBe(model.tools);
    expect(badges).toContain("context");
    if (model.reasoning) expect(badges).toContain("reasoning");
  }

  // The description under the picker, for the chosen model, promises no more than the options.
  const vision = CHAT_MODELS.find((m) => m.vision && m.tools)!;
  await picker.selectOption(vision.id);
  await expect(picker).toHaveAccessibleDescription(/context/);
  await expect(picker).toHaveAccessibleDescription(/sees images/);
  await expect(picker).toHaveAccessibleDescription(/uses tools/);
  await expect(picker).not.toHaveAccessibleDescription(/\bvision\b/i);
});
