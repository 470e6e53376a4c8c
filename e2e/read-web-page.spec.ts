import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Locator } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";
import { requestsSinceScript, setScript, toolResultsIn } from "./support/fake-control";

// read_web_page in a real browser against the real Worker (fake Workers AI scripts the call): the
// page lives on 127.0.0.1, which only the stacks' ALLOW_PRIVATE_OUTBOUND="true" lets the Worker
// reach (worker/http/outbound-url.ts); a redirect to the cloud metadata address stays refused.

let site: Server;
let origin: string;

test.beforeAll(async () => {
  site = createServer((req, res) => {
    if (req.url === "/article") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(
        "<html><head><title>Capybara facts</title><script>document.title='x'</script></head><body><h1>Capybaras</h1><p>The capybara is the largest living rodent.</p></body></html>",
      );
    } else if (req.url === "/to-metadata") {
      res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" });
      res.end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => site.listen(0, "127.0.0.1", done));
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});

test.afterAll(() => new Promise<void>((done) => site.close(() => done())));
test.afterEach(async () => {
  await setScript({ tokens: 40 });
});

function toolPart(answer: Locator): Locator {
  return answer.getByRole("group", { name: "Tool: Read web page" });
}

test("after Allow, the page's readable text goes back to the model and the answer goes on", async ({ page }) => {
  await setScript({
    toolCalls: [{ name: "read_web_page", arguments: { url: `${origin}/article` } }],
    text: "Capybaras are the largest rodents.",
  });
  const chat = new ChatPage(page);
  await chat.goto("/");
  await chat.send("What does that page say about capybaras?");
  const answer = chat.lastAnswer();
  const call = toolPart(answer);
  await chat.waitForAnswer();
  await call.getByRole("button", { name: "Allow" }).click();
  await expect(call.getByRole("status")).toHaveText("Done");
  await expect(answer).toContainText("Capybaras are the largest rodents.");
  await chat.waitForAnswer();

  const told = toolResultsIn((await requestsSinceScript()).at(-1)).join("\n");
  expect(told).toContain("The capybara is the largest living rodent.");
  expect(told).toContain("Capybara facts");
  expect(told).not.toContain("document.title");
});

test("a redirect to the cloud metadata address is refused in words, even with private addresses allowed", async ({ page }) => {
  await setScript({
    toolCalls: [{ name: "read_web_page", arguments: { url: `${origin}/to-metadata` } }],
    text: "That page could not be read.",
  });
  const chat = new ChatPage(page);
  await chat.goto("/");
  await chat.send("Read that page");
  const answer = chat.lastAnswer();
  const call = toolPart(answer);
  await chat.waitForAnswer();
  await call.getByRole("button", { name: "Allow" }).click();
  await expect(call.getByRole("status")).toHaveText("Failed");
  await expect(call).toContainText(/169\.254\.169\.254 is a link-local address/);
  await expect(answer).toContainText("That page could not be read.");
  await chat.waitForAnswer();
  expect(toolResultsIn((await requestsSinceScript()).at(-1)).join("\n")).toMatch(/link-local/);
});
