import { expect, test, type Page } from "@playwright/test";
import { findChatModel } from "../contract/models";
import { ChatPage } from "./pages/ChatPage";

// The stack's local engine answers a vision model's question that carries an image with the generated
// tiny captioner, which names the image's dominant colour ("a red picture"): only its vision path
// says that, the text model never does. The chat's default model (Llama 4 Scout) sees images.

const TEXT_ONLY = "@cf/zai-org/glm-4.7-flash";
const SEES_IMAGES = "@cf/meta/llama-4-scout-17b-16e-instruct";

/** A solid-colour PNG made by the page's canvas, larger than the 1024 px upload size so it must be shrunk. */
async function colourPng(page: Page, colour: string): Promise<Buffer> {
  const base64 = await page.evaluate(async (fill) => {
    const canvas = document.createElement("canvas");
    canvas.width = 1600;
    canvas.height = 900;
    const ctx = canvas.getContext("2d")!;
    ctx.fillStyle = fill;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    return canvas.toDataURL("image/png").split(",")[1];
  }, colour);
  return Buffer.from(base64, "base64");
}

/** Pastes an image into the composer, as a screenshot pasted from the clipboard would arrive. */
async function pasteImage(page: Page, png: Buffer, name: string) {
  const composer = page.getByRole("textbox", { name: "Message", exact: true });
  await composer.evaluate(
    (el, { bytes, fileName }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(bytes)], fileName, { type: "image/png" }));
      el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
    },
    { bytes: [...png], fileName: name },
  );
}

test("pick an image in chat, ask about it, get the local engine's vision answer, and find it all after a reload", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto("/");
  const attach = page.getByRole("button", { name: "Attach image" });
  await expect(attach).toBeEnabled();

  const chooser = page.waitForEvent("filechooser");
  await attach.click();
  await (await chooser).setFiles({ name: "red.png", mimeType: "image/png", buffer: await colourPng(page, "#e01010") });
  const attached = page.getByRole("list", { name: "Attached images" });
  await expect(attached.getByRole("img", { name: "red.png" })).toBeVisible();
  await expect(attached.getByRole("status")).toHaveText("Ready");

  await chat.send("What colour is this?");
  await expect(page).toHaveURL(/\/c\/[A-Za-z0-9_-]{22}$/);
  await chat.waitForAnswer();
  await expect(attached).toHaveCount(0); // sent with the message, not kept for the next one
  await expect(chat.lastAnswer()).toContainText("a red picture");

  // The image shows in the person's message, from their own storage, shrunk in the browser to 1024 px.
  const sent = chat.userMessages.first().getByRole("img", { name: "Image you sent" });
  await expect(sent).toHaveAttribute("src", /^\/api\/vision\/images\/[A-Za-z0-9_-]{22}$/);
  await expect.poll(() => sent.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1024);

  // A follow-up pastes a new image: the model gets the latest one.
  await pasteImage(page, await colourPng(page, "#1010e0"), "blue.png");
  await expect(attached.getByRole("status")).toHaveText("Ready");
  await chat.send("And this one?");
  await chat.waitForAnswer();
  await expect(chat.assistantMessages).toHaveCount(2);
  await expect(chat.lastAnswer()).toContainText("a blue picture");

  await page.reload();
  await expect(chat.userMessages).toHaveCount(2);
  const afterReload = chat.userMessages.first().getByRole("img", { name: "Image you sent" });
  await expect.poll(() => afterReload.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1024);
  await expect(chat.userMessages.nth(1).getByRole("img", { name: "Image you sent" })).toBeVisible();
  await expect(chat.assistantMessages.first()).toContainText("a red picture");
});

/** Drops an image on the conversation with real drag events, as a person's drag would. */
async function dropImage(page: Page, png: Buffer, name: string) {
  const transfer = await page.evaluateHandle(
    ({ bytes, fileName }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(bytes)], fileName, { type: "image/png" }));
      return dt;
    },
    { bytes: [...png], fileName: name },
  );
  const log = page.getByRole("log", { name: "Messages" });
  for (const type of ["dragenter", "dragover", "drop"]) await log.dispatchEvent(type, { dataTransfer: transfer });
}

test("a model that cannot see images disables Attach image, says why, and refuses a dropped image in words", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto("/");
  await page.getByRole("combobox", { name: "Model", exact: true }).selectOption(TEXT_ONLY);
  const label = findChatModel(TEXT_ONLY)!.label;

  const attach = page.getByRole("button", { name: "Attach image" });
  await expect(attach).toBeDisabled();
  await expect(attach).toHaveAccessibleDescription(`${label} cannot see images. Pick a model labelled "sees images" to attach one.`);

  await dropImage(page, await colourPng(page, "#e01010"), "red.png");
  await expect(page.getByRole("alert")).toHaveText(`${label} cannot see images. Pick a model labelled "sees images" to attach one.`);
  await expect(page.getByRole("list", { name: "Attached images" })).toHaveCount(0);

  // Back on a model that sees images, a dropped image is attached.
  await page.getByRole("combobox", { name: "Model", exact: true }).selectOption(SEES_IMAGES);
  await expect(attach).toBeEnabled();
  await dropImage(page, await colourPng(page, "#10e010"), "green.png");
  await expect(page.getByRole("list", { name: "Attached images" }).getByRole("img", { name: "green.png" })).toBeVisible();
});
