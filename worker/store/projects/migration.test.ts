/**
 * Conversations' migration 2 (project, pinned, archived) on a real schema-10 database
 * (../fixtures/v10-store-dump.ts): every conversation ends up outside any project, unpinned and
 * listed, with its rows as they were; and it can then be put in a project.
 */
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CONVERSATION_TABLES } from "../conversations/schema";
import { V10_STORE_DUMP } from "../fixtures/v10-store-dump";
import { appliedVersions } from "../migrate";
import type { UserStoreRpc } from "../stub";

const stubNamed = (name: string) => env.USER_STORE.get(env.USER_STORE.idFromName(name));

describe("conversations migration 2 from a schema-10 database", () => {
  it("puts every existing conversation outside any project, nothing lost", async () => {
    const name = `projects-v10-${crypto.randomUUID()}`;
    const before = await runInDurableObject(stubNamed(name), async (_s, state) => {
      await state.storage.deleteAll();
      for (const statement of V10_STORE_DUMP) state.storage.sql.exec(statement);
      return {
        conversations: state.storage.sql.exec(`SELECT * FROM conversations ORDER BY id`).toArray(),
        messages: state.storage.sql.exec(`SELECT * FROM messages ORDER BY conversation_id, id`).toArray(),
      };
    });
    expect(before.conversations.length).toBeGreaterThan(0);
    await abortAllDurableObjects();

    const after = await runInDurableObject(stubNamed(name), (_s, state) => ({
      conversations: state.storage.sql.exec(`SELECT * FROM conversations ORDER BY id`).toArray(),
      messages: state.storage.sql.exec(`SELECT * FROM messages ORDER BY conversation_id, id`).toArray(),
      versions: Object.fromEntries(appliedVersions(state.storage.sql)!),
    }));
    // Migration 2 and every later one (3: the sidebar's index) applied.
    expect(after.versions).toMatchObject({ conversations: CONVERSATION_TABLES.migrations.length, projects: 1 });
    expect(after.messages).toEqual(before.messages);
    expect(after.conversations).toEqual(before.conversations.map((row) => ({ ...row, project_id: null, pinned: 0, archived: 0 })));

    const store = stubNamed(name) as unknown as UserStoreRpc;
    const listed = await store.listConversations();
    expect(listed.map((c) => c.id).sort()).toEqual(before.conversations.map((c) => c.id).sort());
    expect(listed.every((c) => c.projectId === null && !c.pinned && !c.archived)).toBe(true);
    const project = await store.createProject("p_from_v10_project_1", { name: "Old", instructions: "", defaults: {}, documentIds: [] });
    expect(typeof project === "object" && project.id).toBe("p_from_v10_project_1");
    expect(await store.placeConversation(listed[0].id, { projectId: "p_from_v10_project_1" })).toMatchObject({
      projectId: "p_from_v10_project_1",
    });
  });
});
