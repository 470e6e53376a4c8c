import { expect, test } from "@playwright/test";

// Identity makes everyone a guest for now (accounts come from another branch), so the owner's view is
// covered by the Worker tests (worker/routes/usage.test.ts); here: a guest never gets it.
test("the usage page is the owner's only: a guest sees no link to it and a plain refusal", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByText(/neurons left today/)).toBeVisible(); // the status, which says who is owner, has arrived
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Usage" })).toHaveCount(0);
  await page.goto("/usage");
  await expect(page.getByRole("alert")).toHaveText("Only the owner of this deployment can see its usage.");
});
