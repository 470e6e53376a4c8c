import type { VisionImage, VisionThread, VisionThreadDetail } from "../../contract/vision-api";
import { request as call } from "../api";

/** The vision routes; failures are ApiErrors with the Worker's own sentences. */

export function uploadImage(blob: Blob): Promise<VisionImage> {
  const form = new FormData();
  form.append("image", blob, "image");
  return call("/api/vision/images", { method: "POST", body: form });
}

export async function listThreads(): Promise<VisionThread[]> {
  return (await call<{ threads: VisionThread[] }>("/api/vision/threads")).threads;
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
