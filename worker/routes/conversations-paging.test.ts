import { describe, expect, it } from "vitest";
import { SIDEBAR_PAGE, type Conversation, type ConversationListBody } from "../../contract/api";
import { TestClient } from "../test/client";

/**
 * The sidebar's pages (GET /api/conversations): every group's first page at once, then each
 * group's next pages by its cursor, so a project's older conversations are reachable however many
 * the person keeps. Conversations are made by importing a bundle (a real product path, one request):
 * its rows share a few milliseconds, so the id must break ties for a cursor to be exact.
 */

const PROJECT_A = "projectaaaaaaaaaaaaaaaaa";
const PROJECT_B = "projectbbbbbbbbbbbbbbbbb";

function exported(title: string, project?: string, extra: { pinned?: boolean; archived?: boolean } = {}) {
  return {
    conversation: {
      title,
      project: project ? { id: project, name: project === PROJECT_A ? "Alpha" : "Beta", instructions: "", defaults: {} } : undefined,
      ...extra,
    },
    messages: [{ id: "m1", role: "user", parts: [{ type: "text", text: `About ${title}` }] }],
  };
}

async function seed(client: TestClient, conversations: ReturnType<typeof exported>[]) {
  const response = await client.fetch("/api/import", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ format: "workers-ai-chat/conversations", version: 2, exportedAt: Date.now(), conversations }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
}

async function get(
  client: TestClient,
  query = "",
): Promise<{ status: number; body: ConversationListBody & { error?: { code: string; message: string } } }> {
  const response = await client.fetch(`/api/conversations${query}`);
  return { status: response.status, body: (await response.json()) as never };
}

/** Every page of one group, following its cursors from the first load's. */
async function walk(client: TestClient, project: string, first: string | null, limit?: number): Promise<Conversation[]> {
  const rows: Conversation[] = [];
  for (let next = first; next; ) {
    const { status, body } = await get(client, `?project=${project}&before=${encodeURIComponent(next)}${limit ? `&limit=${limit}` : ""}`);
    expect(status).toBe(200);
    rows.push(...body.conversations);
    next = body.next ?? null;
  }
  return rows;
}

describe("the sidebar's pages", () => {
  it("gives each group's first page and size, and every later page by its cursor, pinned first, none twice", async () => {
    const client = new TestClient();
    await seed(client, [
      ...Array.from({ length: 40 }, (_, i) => exported(`Loose ${i}`)),
      ...Array.from({ length: 12 }, (_, i) => exported(`Alpha ${i}`, PROJECT_A, { pinned: i === 3 || i === 9 })),
      exported("Alpha archived", PROJECT_A, { archived: true }),
      ...Array.from({ length: 3 }, (_, i) => exported(`Beta ${i}`, PROJECT_B)),
    ]);

    const { status, body } = await get(client);
    expect(status).toBe(200);
    const groups = Object.fromEntries(body.groups!.map((g) => [g.projectId ?? "none", g]));
    // Archived conversations are not in the list (the Archived view and search find them).
    expect(groups.none.total).toBe(40);
    expect(groups[PROJECT_A].total).toBe(12);
    expect(groups[PROJECT_B]).toEqual({ projectId: PROJECT_B, total: 3, next: null });
    const inGroup = (project: string | null) => body.conversations.filter((c) => (c.projectId ?? null) === project);
    expect(inGroup(null)).toHaveLength(SIDEBAR_PAGE.unfiled);
    expect(inGroup(PROJECT_A)).toHaveLength(SIDEBAR_PAGE.perProject);
    expect(
      inGroup(PROJECT_A)
        .slice(0, 2)
        .map((c) => c.pinned),
    ).toEqual([true, true]);
    expect(inGroup(PROJECT_B)).toHaveLength(3);

    // A project's older conversations, page by page (small pages, to cross several cursors).
    const alpha = [...inGroup(PROJECT_A), ...(await walk(client, PROJECT_A, groups[PROJECT_A].next, 2))];
    expect(alpha.map((c) => c.title).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `Alpha ${i}`).sort());
    expect(
      alpha
        .filter((c) => c.pinned)
        .map((c) => c.title)
        .sort(),
    ).toEqual(["Alpha 3", "Alpha 9"]);
    expect(alpha.findIndex((c) => !c.pinned)).toBe(2);
    const updated = alpha.slice(2).map((c) => c.updatedAt);
    expect(updated).toEqual([...updated].sort((a, b) => b - a));

    const loose = [...inGroup(null), ...(await walk(client, "none", groups.none.next))];
    expect(new Set(loose.map((c) => c.id)).size).toBe(40);
    expect(loose.every((c) => !c.projectId && !c.archived)).toBe(true);
  });

  it("keeps finding any conversation by search, beyond the first pages and archived ones too", async () => {
    const client = new TestClient();
    await seed(client, [
      exported("Needle in the haystack", PROJECT_A),
      ...Array.from({ length: 8 }, (_, i) => exported(`Hay ${i}`, PROJECT_A)),
      exported("Archived needle", undefined, { archived: true }),
    ]);
    const first = await get(client);
    expect(first.body.conversations.some((c) => c.title === "Needle in the haystack")).toBe(false);
    const titles = (await get(client, "?q=needle")).body.conversations.map((c) => c.title).sort();
    expect(titles).toEqual(["Archived needle", "Needle in the haystack"]);
  });

  it("refuses a cursor it never gave, a page without its group, and search with a page, saying what is wrong", async () => {
    const client = new TestClient();
    await seed(client, [exported("One", PROJECT_A)]);
    for (const [query, words] of [
      ["?project=none&before=drop%20table", "is not a position this list gave"],
      ["?before=1.2.abc", "before and limit need a project"],
      [`?q=x&project=${PROJECT_A}`, "cannot be asked for together"],
      ["?project=none&limit=0", "limit"],
      [`?project=none&limit=${SIDEBAR_PAGE.maxLimit + 1}`, "limit"],
      ["?project=not-an-id", "project"],
    ] as const) {
      const { status, body } = await get(client, query);
      expect(status, query).toBe(400);
      expect(body.error?.code).toBe("bad_request");
      expect(body.error?.message, query).toContain(words);
    }
    const missing = await get(client, "?project=nosuchprojectxxxxxxxxx");
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: "not_found", message: "That project does not exist." });
  });

  it("shows a person only their own conversations: another person's project is not found", async () => {
    const owner = new TestClient();
    await seed(owner, [exported("Private", PROJECT_A), exported("Private 2", PROJECT_A)]);
    const stranger = new TestClient();
    await seed(stranger, [exported("Mine")]);
    const theirs = await get(stranger);
    expect(theirs.body.conversations.map((c) => c.title)).toEqual(["Mine"]);
    expect(theirs.body.groups).toEqual([{ projectId: null, total: 1, next: null }]);
    expect((await get(stranger, `?project=${PROJECT_A}`)).status).toBe(404);
  });

  it("answers a visitor who is nobody yet with empty groups, making no one", async () => {
    const visitor = new TestClient();
    const { status, body } = await get(visitor);
    expect(status).toBe(200);
    expect(body).toEqual({ conversations: [], groups: [] });
    expect((await get(visitor, "?project=none")).body).toEqual({ conversations: [], next: null });
    expect(visitor.cookie).toBeUndefined();
  });
});
