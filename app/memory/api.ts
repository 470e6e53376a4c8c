import type { MemoryList, MemoryWrite } from "../../contract/memory";
import { request } from "../api";

const base = "/api/memory";
const path = (id: string) => `${base}/${encodeURIComponent(id)}`;

export function listMemories(): Promise<MemoryList> {
  return request<MemoryList>(base);
}

/** The memory as kept, and a sentence when it could not be embedded yet (found by matching words only until it is). */
export function addMemory(text: string): Promise<MemoryWrite> {
  return request<MemoryWrite>(base, { method: "POST", body: JSON.stringify({ text }) });
}

export function editMemory(id: string, text: string): Promise<MemoryWrite> {
  return request<MemoryWrite>(path(id), { method: "PATCH", body: JSON.stringify({ text }) });
}

export function deleteMemory(id: string): Promise<void> {
  return request(path(id), { method: "DELETE" });
}

export function setMemoryEnabled(enabled: boolean): Promise<MemoryList> {
  return request<MemoryList>(`${base}/settings`, { method: "PUT", body: JSON.stringify({ enabled }) });
}

/** Candidates from the small model for one conversation; none is stored until the person keeps it. */
export async function suggestMemories(conversationId: string): Promise<string[]> {
  return (await request<{ candidates: string[] }>(`${base}/suggest`, { method: "POST", body: JSON.stringify({ conversationId }) }))
    .candidates;
}
