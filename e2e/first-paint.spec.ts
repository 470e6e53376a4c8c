import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";

// The static shell in index.html: what a person sees before the app's script has run, and that the
// app, once it runs, replaces it in place (nothing moves) and never shows a control twice.

/** Opens `path` with every script request refused: only index.html's inline theme script runs. */
async function shellOnly(browser: Browser, path: string, options: Parameters<Browser["newContext"]>[0] = {}): Promise<Page> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.route("**/*", (route) => (route.request().resourceType() === "script" ? route.abort() : route.continue()));
  await page.goto(path);
  return page;
}

const mainNav = (page: Page) => page.getByRole("navigation", { name: "Main" });

/** Each page's landmarks in the shell and in the app: the same box is expected for both. */
const PAGES: { path: string; heading: string; parts: { name: string; shell: (p: Page) => Locator; app: (p: Page) => Locator }[] }[] = [
  {
    path: "/",
    heading: "What can I help with?",
    parts: [
      {
        name: "composer",
        shell: (p) => p.locator(".shell-textarea"),
        app: (p) => p.getByRole("textbox", { name: "Message", exact: true }),
      },
      { name: "Send", shell: (p) => p.locator(".shell-send"), app: (p) => p.getByRole("button", { name: "Send", exact: true }) },
      {
        name: "Settings",
        shell: (p) => p.locator(".shell-toolbar .shell-button"),
        app: (p) => p.getByRole("button", { name: "Settings", exact: true }),
      },
    ],
  },
  {
    path: "/images",
    heading: "Image studio",
    parts: [
      { name: "lead", shell: (p) => p.getByText(/^Describe a picture/), app: (p) => p.getByText(/^Describe a picture/) },
      { name: "prompt", shell: (p) => p.locator(".shell-prompt"), app: (p) => p.getByRole("textbox", { name: "Prompt" }) },
    ],
  },
  {
    path: "/vision",
    heading: "Ask about an image",
    parts: [
      { name: "drop zone", shell: (p) => p.locator(".shell-dropzone"), app: (p) => p.getByRole("button", { name: /Drop an image here/ }) },
    ],
  },
];

const box = async (locator: Locator) => {
  const b = await locator.boundingBox();
  if (!b) throw new Error(`${locator} has no box`);
  return b;
};

test("before any script runs, the shell shows the header, navigation and this page's part, with no control twice", async ({ browser }) => {
  for (const { path, heading } of PAGES) {
    const page = await shellOnly(browser, path);
    await expect(page.getByRole("heading", { name: heading })).toBeVisible();
    for (const label of ["Chat", "Images", "Vision", "Documents"])
      await expect(mainNav(page).getByRole("link", { name: label, exact: true })).toBeVisible();
    const current = { "/": "Chat", "/images": "Images", "/vision": "Vision" }[path]!;
    await expect(mainNav(page).getByRole("link", { name: current, exact: true })).toHaveAttribute("aria-current", "page");
    await expect(mainNav(page).locator("[aria-current]")).toHaveCount(1);
    // The placeholders look like controls but are none: no textbox, button or select to find twice.
    await expect(page.getByRole("textbox")).toHaveCount(0);
    await expect(page.getByRole("button")).toHaveCount(0);
    await expect(page.getByRole("combobox")).toHaveCount(0);
    // Other pages' parts are not shown (nor in the accessibility tree).
    for (const other of PAGES.filter((p) => p.path !== path))
      await expect(page.getByRole("heading", { name: other.heading })).toHaveCount(0);
    await page.context().close();
  }
});

test("the shell paints in the chosen theme: the saved choice first, else the system's", async ({ browser }) => {
  const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

  const systemDark = await shellOnly(browser, "/", { colorScheme: "dark" });
  await expect(systemDark.locator("html")).toHaveClass(/\bdark\b/);
  const dark = await background(systemDark);
  await systemDark.context().close();

  const systemLight = await shellOnly(browser, "/", { colorScheme: "light" });
  await expect(systemLight.locator("html")).not.toHaveClass(/\bdark\b/);
  const light = await background(systemLight);
  await systemLight.context().close();
  expect(dark).not.toBe(light);

  // A saved choice (the header's theme toggle) wins over the system's.
  const context = await browser.newContext({ colorScheme: "light" });
  await context.addInitScript(() => localStorage.setItem("theme", "dark"));
  const page = await context.newPage();
  await page.route("**/*", (route) => (route.request().resourceType() === "script" ? route.abort() : route.continue()));
  await page.goto("/images");
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  expect(await background(page)).toBe(dark);
  await context.close();
});

for (const viewport of [
  { width: 412, height: 823 },
  { width: 1280, height: 800 },
]) {
  test(`at ${viewport.width}x${viewport.height} the app replaces the shell in place, without a layout shift, and only once`, async ({
    browser,
  }) => {
    for (const { path, heading, parts } of PAGES) {
      const shell = await shellOnly(browser, path, { viewport });
      const landmarks = (page: Page) => [
        { name: "header nav", locator: mainNav(page) },
        ...["Chat", "Images", "Vision", "Documents"].map((label) => ({
          name: `${label} link`,
          locator: mainNav(page).getByRole("link", { name: label, exact: true }),
        })),
        { name: "heading", locator: page.getByRole("heading", { name: heading }) },
      ];
      const before = [];
      for (const { name, locator } of landmarks(shell)) before.push({ name, box: await box(locator) });
      for (const part of parts) before.push({ name: part.name, box: await box(part.shell(shell)) });
      await shell.context().close();

      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      await page.addInitScript(() => {
        const w = window as unknown as { __shifts: number[]; __largest: { at: number; size: number }[]; __shellGone: number | null };
        w.__shifts = [];
        w.__largest = [];
        w.__shellGone = null;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) w.__shifts.push((e as PerformanceEntry & { value: number }).value);
        }).observe({ type: "layout-shift", buffered: true });
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) w.__largest.push({ at: e.startTime, size: (e as PerformanceEntry & { size: number }).size });
        }).observe({ type: "largest-contentful-paint", buffered: true });
        new MutationObserver(() => {
          if (w.__shellGone === null && document.readyState !== "loading" && !document.querySelector(".shell"))
            w.__shellGone = performance.now();
        }).observe(document, { childList: true, subtree: true });
      });
      await page.goto(path);
      for (const part of parts) await expect(part.app(page)).toBeVisible();
      await expect(page.locator(".shell")).toHaveCount(0);
      // Compared once what comes from the API has filled in too (the header's budget), not just the first render.
      // Attached, not visible: below 768 px it sits in the header's closed menu (app/ui/HeaderMenu.tsx).
      await expect(page.getByText(/neurons left today/)).toBeAttached();
      const after = [];
      for (const { name, locator } of landmarks(page)) after.push({ name, box: await box(locator) });
      for (const part of parts) after.push({ name: part.name, box: await box(part.app(page)) });

      // Within a pixel: the app's header, headings and controls land where the shell drew them.
      for (const [i, { name, box: b }] of before.entries()) {
        const a = after[i].box;
        for (const key of ["x", "y", "width", "height"] as const)
          expect(Math.abs(a[key] - b[key]), `${path} ${name} ${key}: shell ${b[key]}, app ${a[key]}`).toBeLessThanOrEqual(1);
      }

      const cls = await page.evaluate(() => (window as unknown as { __shifts: number[] }).__shifts.reduce((sum, v) => sum + v, 0));
      expect(cls).toBeLessThan(0.1);
      // The page's largest paint is the shell's: nothing the app draws in its place is larger, so the
      // browser's "largest contentful paint" does not wait for the app (a span standing in for the
      // composer's placeholder once made Chrome count the app's composer, seconds later on a phone).
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
      const { largest, shellGone } = await page.evaluate(() => {
        const w = window as unknown as { __largest: { at: number; size: number }[]; __shellGone: number | null };
        return { largest: w.__largest, shellGone: w.__shellGone };
      });
      expect(shellGone, `${path}: the shell was replaced`).not.toBeNull();
      // The shell's own paint came first (else there would be nothing to compare the app's against).
      expect(
        largest.filter((e) => e.at <= shellGone!),
        `${path}: a largest paint before the app replaced the shell`,
      ).not.toEqual([]);
      expect(
        largest.filter((e) => e.at > shellGone!),
        `${path}: largest paints after the app replaced the shell (at ${shellGone} ms)`,
      ).toEqual([]);
      // Once the app runs there is one header navigation, one heading and one of each control.
      await expect(mainNav(page)).toHaveCount(1);
      await expect(page.getByRole("heading", { name: heading })).toHaveCount(1);
      for (const part of parts) await expect(part.app(page)).toHaveCount(1);
      await context.close();
    }
  });
}
