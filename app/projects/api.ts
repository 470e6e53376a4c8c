import type { Conversation } from "../../contract/api";
import type { ConversationPlace, CreateProject, Project, UpdateProject } from "../../contract/projects";
import { request } from "../api";

export async function listProjects(signal?: AbortSignal): Promise<Project[]> {
  return (await request<{ projects: Project[] }>("/api/projects", { signal })).projects;
}

export async function createProject(input: Partial<CreateProject> & { name: string }): Promise<Project> {
  return (await request<{ project: Project }>("/api/projects", { method: "POST", body: JSON.stringify(input) })).project;
}

export async function updateProject(id: string, patch: UpdateProject): Promise<Project> {
  return (await request<{ project: Project }>(`/api/projects/${encodeURIComponent(id)}`, { method: "PATCH", body: JSON.stringify(patch) }))
    .project;
}

/** `conversations`: what the person chose for the project's conversations. */
export function deleteProject(id: string, conversations: "keep" | "delete"): Promise<void> {
  return request(`/api/projects/${encodeURIComponent(id)}?conversations=${conversations}`, { method: "DELETE" });
}

/** One project: what "New chat" in it starts with (the chat is a draft until its first message, ../chat/ids.ts). */
export async function getProject(id: string): Promise<Project> {
  return (await request<{ project: Project }>(`/api/projects/${encodeURIComponent(id)}`)).project;
}

export async function placeConversation(id: string, place: ConversationPlace): Promise<Conversation> {
  return (
    await request<{ conversation: Conversation }>(`/api/projects/place/${encodeURIComponent(id)}`, {
      method: "PATCH",
      body: JSON.stringify(place),
    })
  ).conversation;
}

export async function listArchived(): Promise<Conversation[]> {
  return (await request<{ conversations: Conversation[] }>("/api/projects/archived")).conversations;
}
