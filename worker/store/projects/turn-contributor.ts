import type { Person } from "../person";

/**
 * A project's instructions join the system prompt of every conversation in it (after the
 * conversation's own). Read at each turn, so an edit to the project applies to the next answer.
 * (Shaped as answers/turn-context.ts's TurnContributor, which lists this one: the two files must
 * not import each other.)
 */
export function projectInstructions(person: Person, turn: { conversationId: string }): { instructions: string } | null {
  const row = person.sql
    .exec<{ instructions: string }>(
      `SELECT p.instructions FROM conversations c JOIN projects p ON p.id = c.project_id WHERE c.id = ?`,
      turn.conversationId,
    )
    .toArray()[0];
  return row?.instructions.trim() ? { instructions: row.instructions } : null;
}
