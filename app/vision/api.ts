import type { VisionImage, VisionThread, VisionThreadDetail } from "../../contract/vision-api";
import { request as call } from "../api";

/** The vision routes; failures are ApiErrors with the Worker's own sentences. */

export function uploadImage(blob: Blob): Promise<VisionImage> {
  const form = new FormData();
  form.append("image", blob, "image");
  return call("/api/vision/images", { method: "POST", body: form });
}

export async function listThreads(query = "", signal?: AbortSignal): Promise<VisionThread[]> {
  const q = query.trim() ? `?q=${encodeURIComponent(query.trim())}` : "";
  return (await call<{ threads: VisionThread[] }>(`/api/vision/threads${q}`, { signal })).threads;
}

export async function renameThread(id: string, title: string): Promise<VisionThread> {
  return (
    await call<{ thread: VisionThread }>(`/api/vision/threads/${encodeURIComponent(id)}`, {
      method: "PATCH",
      body: JSON.stringify({ title }),
    })
  ).thread;
}

export function getThread(id: string): Promise<VisionThreadDetail> {
  return call(`/api/vision/threads/${encodeURIComponent(id)}`);
}

export function deleteThread(id: string): Promise<void> {
  return call(`/api/vision/threads/${encodeURIComponent(id)}`, { method: "DELETE" });
}

export function imageUrl(id: string): string {
  return `/api/vision/images/${encodeURIComponent(id)}`;
}
