import type { ApiKeySummary, CreatedApiKey } from "../../contract/keys-api";
import { request } from "../api";

export async function listKeys(): Promise<ApiKeySummary[]> {
  return (await request<{ keys: ApiKeySummary[] }>("/api/keys")).keys;
}

export function createKey(name: string): Promise<CreatedApiKey> {
  return request("/api/keys", { method: "POST", body: JSON.stringify({ name }) });
}

export function revokeKey(id: string): Promise<void> {
  return request(`/api/keys/${encodeURIComponent(id)}`, { method: "DELETE" });
}
