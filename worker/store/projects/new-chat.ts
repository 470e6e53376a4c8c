import { AppError } from "../../../contract/errors";
import type { Project } from "../../../contract/projects";
import type { Person } from "../person";
import { Projects } from "./feature";

/**
 * "New chat" in a project is a draft in the browser until its first message: that message's turn
 * names the project, and the conversation it creates is made in it (../answers/chat-turn.ts). Plain
 * functions, not methods of Projects: they are steps of a turn, not calls a Worker may make.
 */

const GONE = "That project does not exist (it may have been deleted). Start the chat again from the sidebar.";

/** The project a new conversation is started in; refused, before anything is spent or saved, when the person has none by that id. */
export function projectOfNewChat(person: Person, projectId: string | undefined): Project | null {
  if (!projectId) return null;
  const project = person.feature(Projects).getProject(projectId);
  if (!project) throw new AppError("not_found", GONE);
  return project;
}

/**
 * Puts the conversation the turn just created into its project, in the turn's own transaction: a
 * project deleted while the turn retrieved and reserved refuses the turn, so its question is not
 * saved outside the project the person chose.
 */
export function placeNewChat(person: Person, conversationId: string, projectId: string): void {
  if (!person.feature(Projects).getProject(projectId)) throw new AppError("not_found", GONE);
  person.sql.exec(`UPDATE conversations SET project_id = ? WHERE id = ?`, projectId, conversationId);
}
