import type { Person } from "../person";

/**
 * A project's instructions join the system prompt of every conversation in it (after the
 * conversation's own). Read at each turn, so an edit to the project applies to the next answer.
 * (Shaped as answers/turn-context.ts's TurnContributor, which lists this one: the two files must
 * not import each other.)
 */
export function projectInstructions(person: Person, turn: { conversationId: string; projectId?: string }): { instructions: string } | null {
  // The conversation's own project; for one the turn creates ("New chat" in a project), the one it is started in.
  const row = person.sql
    .exec<{ instructions: string }>(
      `SELECT instructions FROM projects WHERE id = COALESCE((SELECT project_id FROM conversations WHERE id = ?), ?)`,
      turn.conversationId,
      turn.projectId ?? null,
    )
    .toArray()[0];
  return row?.instructions.trim() ? { instructions: row.instructions } : null;
}
