import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";
import { conversationIdOf, setScript } from "./support/fake-control";

// On the fake Workers AI stack: answers and the title model's reply are scripted, so the words to
// search for are known. Each run uses words no earlier run or other spec wrote.
const runId = () => Math.random().toString(36).slice(2, 8);

test("search finds a word from an answer, marks it in the snippet, and opens the conversation at that answer", async ({ page }) => {
  const chat = new ChatPage(page);
  const word = `quokka${runId()}`;
  await setScript({ text: `The animal you mean is the ${word}, a small marsupial that looks like it smiles.` });
  await chat.startConversation(`Which animal smiles? ${runId()}`);
  const id = conversationIdOf(page);
  // More answers after it, so the one to find is scrolled out of view.
  await setScript({ text: Array.from({ length: 30 }, (_, i) => `Filler paragraph ${i} about other things.`).join("\n\n") });
  for (const question of ["Tell me more", "And more"]) {
    await chat.send(question);
    await chat.waitForAnswer();
  }

  await chat.sidebar.getByRole("link", { name: "New chat" }).click();
  await chat.search.fill(word);
  const results = chat.sidebar.getByRole("list", { name: "Search results" });
  const hit = results.getByRole("link").filter({ hasText: "Answer" });
  await expect(hit).toHaveCount(1);
  // The word is marked, and the snippet is text: the markers never show.
  await expect(hit.locator("mark")).toHaveText(word);
  await expect(hit).toContainText("small marsupial");
  await expect(hit).not.toContainText("\u0002");

  await hit.click();
  await expect(page).toHaveURL(new RegExp(`/c/${id}\\?m=`));
  const found = chat.log.locator("[aria-current=true]");
  await expect(found).toHaveCount(1);
  await expect(found.getByRole("article", { name: "Assistant" })).toContainText(word);
  await expect(found).toBeInViewport();

  // A search with nothing to search for, and one made of FTS5 syntax, say so plainly.
  await chat.search.fill('"* NEAR(');
  await expect(chat.sidebar).toContainText("No conversation matches.");
});

test("the conversation list shows the title the model wrote after the first answer, without a reload", async ({ page }) => {
  const chat = new ChatPage(page);
  const title = `Smiling marsupials ${runId()}`;
  await setScript({ text: "Quokkas live on Rottnest Island.", title: `"${title}."` });
  const question = `Where do quokkas live? ${runId()}`;
  await chat.startConversation(question);
  await expect(chat.conversationLink(title)).toBeVisible();
  await expect(chat.conversationLink(question)).toHaveCount(0);

  // Renamed by the person, it stays theirs.
  const mine = `My quokka notes ${runId()}`;
  await chat.rename(title, mine);
  await expect(chat.conversationLink(mine)).toBeVisible();
});

test("a hit on an earlier version of an answer opens the conversation on that version's branch", async ({ page }) => {
  const chat = new ChatPage(page);
  const first = `wombat${runId()}`;
  await setScript({ text: `The first version names the ${first}.` });
  await chat.startConversation(`Name an animal ${runId()}`);
  await setScript({ text: `The second version names a different animal entirely.` });
  await chat.lastAnswer().getByRole("button", { name: "Regenerate" }).click();
  await chat.waitForAnswer();
  await expect(chat.lastAnswer()).not.toContainText(first);

  await chat.sidebar.getByRole("link", { name: "New chat" }).click();
  await chat.search.fill(first);
  await chat.sidebar.getByRole("list", { name: "Search results" }).getByRole("link").filter({ hasText: "Answer" }).click();
  // Not on screen when the hit was opened: the page switches to its branch, then marks it.
  const found = chat.log.locator("[aria-current=true]");
  await expect(found.getByRole("article", { name: "Assistant" })).toContainText(first);
  await expect(found).toContainText("1 / 2");
});
