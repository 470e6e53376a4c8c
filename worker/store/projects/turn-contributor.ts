import type { TurnContributor } from "../answers/turn-context";

/**
 * A project's instructions join the system prompt of every conversation in it (after the
 * conversation's own). Read at each turn, so an edit to the project applies to the next answer.
 */
export const projectInstructions: TurnContributor = (person, turn) => {
  const row = person.sql
    .exec<{ instructions: string }>(
      `SELECT p.instructions FROM conversations c JOIN projects p ON p.id = c.project_id WHERE c.id = ?`,
      turn.conversationId,
    )
    .toArray()[0];
  return row?.instructions.trim() ? { instructions: row.instructions } : null;
};
