import type { DocumentRecord } from "../../contract/documents";
import { request } from "../api";

/** Uploads one file; the Worker reads and splits it before answering, so a bad file fails here. */
export async function uploadDocument(file: File, conversationId?: string): Promise<DocumentRecord> {
  const form = new FormData();
  form.append("file", file, file.name);
  if (conversationId) form.append("conversationId", conversationId);
  return request<DocumentRecord>("/api/documents", { method: "POST", body: form });
}

export async function listDocuments(conversationId?: string): Promise<DocumentRecord[]> {
  const query = conversationId ? `?conversation=${encodeURIComponent(conversationId)}` : "";
  return (await request<{ documents: DocumentRecord[] }>(`/api/documents${query}`)).documents;
}

export function deleteDocument(id: string): Promise<void> {
  return request(`/api/documents/${encodeURIComponent(id)}`, { method: "DELETE" });
}

export function attachDocument(id: string, conversationId: string): Promise<void> {
  return request(`/api/documents/${encodeURIComponent(id)}/attach`, { method: "POST", body: JSON.stringify({ conversationId }) });
}

export function detachDocument(id: string, conversationId: string): Promise<void> {
  return request(`/api/documents/${encodeURIComponent(id)}/attach/${encodeURIComponent(conversationId)}`, { method: "DELETE" });
}

/** The conversation the person was last in, so the Documents page can attach to it. */
const CURRENT_KEY = "documents.currentConversation";
export function rememberCurrentConversation(id: string): void {
  try {
    sessionStorage.setItem(CURRENT_KEY, id);
  } catch {
    // Storage can be unavailable (private modes); the Documents page then offers no attach.
  }
}
export function currentConversation(): string | null {
  try {
    return sessionStorage.getItem(CURRENT_KEY);
  } catch {
    return null;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** What a document's status reads as, for chips and the Documents page. */
export function statusText(d: DocumentRecord): string {
  if (d.status === "ready") return "Ready";
  if (d.status === "failed") return `Failed: ${d.error ?? "could not be indexed"}`;
  return `Embedding ${d.embedded}/${d.passages}`;
}
