import { expect, type Page } from "@playwright/test";

/** Drops a file made in the page onto the drop zone with real drag events, as a person's drag would. */
export async function dropFile(page: Page, file: { kind: "red-png" } | { kind: "text"; name: string }) {
  const zone = page.getByRole("button", { name: "Drop an image here, paste, or choose a file" });
  await expect(zone).toBeEnabled();
  const transfer = await page.evaluateHandle(async (spec) => {
    let made: File;
    if (spec.kind === "red-png") {
      const canvas = document.createElement("canvas");
      canvas.width = 1600; // over the 1024 px upload size, so the page must shrink it
      canvas.height = 900;
      const ctx = canvas.getContext("2d")!;
      ctx.fillStyle = "#e01010";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), "image/png"));
      made = new File([blob], "red.png", { type: "image/png" });
    } else {
      made = new File(["these are notes, not pixels"], spec.name, { type: "image/png" });
    }
    const dt = new DataTransfer();
    dt.items.add(made);
    return dt;
  }, file);
  for (const type of ["dragenter", "dragover", "drop"]) await zone.dispatchEvent(type, { dataTransfer: transfer });
}
