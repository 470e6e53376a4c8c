import type { Conversation } from "../../../contract/api";
import {
  type ConversationPlace,
  type CreateProject,
  type ImportedPlace,
  PROJECT_LIMITS,
  type Project,
  type UpdateProject,
} from "../../../contract/projects";
import { QuotaRefusal } from "../../quota-refusal";
import { Conversations } from "../conversations/feature";
import type { Person } from "../person";
import { jsonBytes } from "../storage/byte-budget";
import { type ProjectRow, toProject } from "./rows";
import { PROJECT_TABLES } from "./schema";

/** Why a project write was refused; the route turns each into the sentence a person reads. */
export type ProjectRefusal = "no_project" | "no_conversation" | "exists";

/**
 * The person's projects: a name, instructions joined to every prompt of its conversations
 * (./turn-contributor.ts), the model and tools a new chat in it starts with, and documents searched
 * in each of its conversations (../answers/chat-turn.ts). Membership, pins and archiving are
 * columns of the conversations themselves, written here.
 */
export class Projects {
  static readonly tables = PROJECT_TABLES;

  constructor(private readonly person: Person) {}

  listProjects(): Project[] {
    return this.person.sql.exec<ProjectRow>(`SELECT * FROM projects ORDER BY name COLLATE NOCASE, created_at`).toArray().map(toProject);
  }

  getProject(id: string): Project | null {
    return this.#row(id);
  }

  /** Refused past PROJECT_LIMITS.maxProjects and the byte budget, in the write's own transaction. */
  createProject(id: string, input: CreateProject): Project | ProjectRefusal {
    const { ctx, sql, budget } = this.person;
    return ctx.storage.transactionSync(() => {
      if (this.#row(id)) return "exists";
      const count = sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM projects`).one().n;
      if (count >= PROJECT_LIMITS.maxProjects)
        throw new QuotaRefusal(
          "quota_exceeded",
          `You have ${PROJECT_LIMITS.maxProjects} projects, the most one person may keep. Delete one to make another.`,
        );
      const now = Date.now();
      budget.within("This project", () =>
        sql.exec(
          `INSERT INTO projects (id, name, instructions, defaults, document_ids, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
          id,
          input.name,
          input.instructions,
          JSON.stringify(input.defaults),
          JSON.stringify([...new Set(input.documentIds)]),
          now,
          now,
        ),
      );
      return this.#row(id)!;
    });
  }

  updateProject(id: string, patch: UpdateProject): Project | ProjectRefusal {
    const { ctx, sql, budget } = this.person;
    return ctx.storage.transactionSync(() => {
      const project = this.#row(id);
      if (!project) return "no_project";
      const next = { ...project, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as Project;
      budget.within("This project", () =>
        sql.exec(
          `UPDATE projects SET name = ?, instructions = ?, defaults = ?, document_ids = ?, updated_at = ? WHERE id = ?`,
          next.name,
          next.instructions,
          JSON.stringify(next.defaults),
          JSON.stringify([...new Set(next.documentIds)]),
          Date.now(),
          id,
        ),
      );
      return this.#row(id)!;
    });
  }

  /** The ids of a project's conversations (the route revokes their share links before they are deleted). */
  projectConversationIds(id: string): string[] {
    return this.person.sql
      .exec<{ id: string }>(`SELECT id FROM conversations WHERE project_id = ?`, id)
      .toArray()
      .map((r) => r.id);
  }

  /**
   * Deletes a project; its conversations go with it when the person said so, and otherwise stay,
   * outside any project. False when there was no such project.
   */
  deleteProject(id: string, withConversations: boolean): boolean {
    if (!this.#row(id)) return false;
    const conversations = this.person.feature(Conversations);
    if (withConversations) for (const conversationId of this.projectConversationIds(id)) conversations.deleteConversation(conversationId);
    this.person.ctx.storage.transactionSync(() => {
      this.person.sql.exec(`UPDATE conversations SET project_id = NULL WHERE project_id = ?`, id);
      this.person.sql.exec(`DELETE FROM projects WHERE id = ?`, id);
    });
    return true;
  }

  /** Moves a conversation in or out of a project, pins or archives it. Its update time is kept: placing is not a change to it. */
  placeConversation(conversationId: string, place: ConversationPlace): Conversation | ProjectRefusal {
    const { ctx, sql } = this.person;
    const conversations = this.person.feature(Conversations);
    return ctx.storage.transactionSync(() => {
      const row = conversations.rows.row(conversationId);
      if (!row) return "no_conversation";
      if (place.projectId && !this.#row(place.projectId)) return "no_project";
      sql.exec(
        `UPDATE conversations SET project_id = ?, pinned = ?, archived = ? WHERE id = ?`,
        place.projectId === undefined ? row.project_id : place.projectId,
        place.pinned === undefined ? row.pinned : Number(place.pinned),
        place.archived === undefined ? row.archived : Number(place.archived),
        conversationId,
      );
      return conversations.rows.get(conversationId)!;
    });
  }

  /** A conversation with every branch, and its project as an export carries it (worker/transfer/export.ts). */
  conversationTreeWithProject(id: string) {
    const tree = this.person.feature(Conversations).conversationTree(id);
    if (!tree) return null;
    const project = tree.conversation.projectId ? this.#row(tree.conversation.projectId) : null;
    return {
      ...tree,
      project: project && { id: project.id, name: project.name, instructions: project.instructions, defaults: project.defaults },
    };
  }

  /**
   * An imported conversation back where it sat: its project (made, with its id, when the person
   * has none by that id; past the limit or the byte budget it stays outside any project rather than
   * failing the import), pinned, archived.
   */
  placeImported(conversationId: string, place: ImportedPlace): void {
    const { ctx, sql, budget } = this.person;
    ctx.storage.transactionSync(() => {
      let projectId: string | null = null;
      const project = place.project;
      if (project && this.#row(project.id)) projectId = project.id;
      else if (project && sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM projects`).one().n < PROJECT_LIMITS.maxProjects) {
        const now = Date.now();
        if (budget.limit <= 0 || budget.used() + jsonBytes(project) <= budget.limit) {
          sql.exec(
            `INSERT INTO projects (id, name, instructions, defaults, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
            project.id,
            project.name,
            project.instructions,
            JSON.stringify(project.defaults),
            now,
            now,
          );
          projectId = project.id;
        }
      }
      sql.exec(
        `UPDATE conversations SET project_id = ?, pinned = ?, archived = ? WHERE id = ?`,
        projectId,
        Number(place.pinned ?? false),
        Number(place.archived ?? false),
        conversationId,
      );
    });
  }

  /**
   * The documents of the conversation's project, searched with its own (none outside a project).
   * `newIn`: the project a conversation not made yet is started in (its first turn).
   */
  projectDocumentsOf(conversationId: string, newIn?: string): string[] {
    const row = this.person.sql
      .exec<{ document_ids: string }>(
        `SELECT document_ids FROM projects WHERE id = COALESCE((SELECT project_id FROM conversations WHERE id = ?), ?)`,
        conversationId,
        newIn ?? null,
      )
      .toArray()[0];
    return row ? (JSON.parse(row.document_ids) as string[]) : [];
  }

  #row(id: string): Project | null {
    const row = this.person.sql.exec<ProjectRow>(`SELECT * FROM projects WHERE id = ?`, id).toArray()[0];
    return row ? toProject(row) : null;
  }
}
