import type { VisionImage, VisionThread, VisionThreadDetail } from "../../contract/vision-api";
import { ApiError, apiFetch, readableMessage } from "../api";

/** The vision routes, with the Worker's own sentences as error messages. */

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await apiFetch(path, init);
  } catch {
    throw new ApiError("Could not reach the server. Check your connection and try again.", 0);
  }
  if (!response.ok) throw new ApiError(readableMessage(await response.text(), `Request failed (${response.status}).`), response.status);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

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
