import type { Conversation } from "../../contract/api";
import type { Assistant, AssistantInput, AssistantList } from "../../contract/assistants";
import { request } from "../api";

const base = "/api/assistants";
const path = (id: string) => `${base}/${encodeURIComponent(id)}`;

export function listAssistants(): Promise<AssistantList> {
  return request(base);
}

export function getAssistant(id: string): Promise<Assistant> {
  return request(path(id));
}

export function createAssistant(input: AssistantInput): Promise<Assistant> {
  return request(base, { method: "POST", body: JSON.stringify(input) });
}

export function updateAssistant(id: string, input: AssistantInput): Promise<Assistant> {
  return request(path(id), { method: "PUT", body: JSON.stringify(input) });
}

export function deleteAssistant(id: string): Promise<void> {
  return request(path(id), { method: "DELETE" });
}

export async function assistantChats(id: string): Promise<Conversation[]> {
  return (await request<{ conversations: Conversation[] }>(`${path(id)}/conversations`)).conversations;
}
