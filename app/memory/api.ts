import type { Memory, MemoryList } from "../../contract/memory";
import { request } from "../api";

const base = "/api/memory";
const path = (id: string) => `${base}/${encodeURIComponent(id)}`;

export function listMemories(): Promise<MemoryList> {
  return request<MemoryList>(base);
}

export async function addMemory(text: string): Promise<Memory> {
  return (await request<{ memory: Memory }>(base, { method: "POST", body: JSON.stringify({ text }) })).memory;
}

export async function editMemory(id: string, text: string): Promise<Memory> {
  return (await request<{ memory: Memory }>(path(id), { method: "PATCH", body: JSON.stringify({ text }) })).memory;
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
