import type { GenerateImagesResponse, ImagePage, ImageRecord, ImageResult } from "../../contract/images-api";
import { ApiError, apiFetch, readableMessage } from "../api";

/** The Worker's image routes, with its error sentences passed through as ApiError messages. */

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await apiFetch(path, { ...init, headers: init.body ? { "content-type": "application/json" } : undefined });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiError("Could not reach the server. Check your connection and try again.", 0);
  }
  if (!response.ok) throw new ApiError(readableMessage(await response.text(), `Request failed (${response.status}).`), response.status);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** One image per request, so each appears as soon as it is ready. */
export async function generateImage(body: Record<string, unknown>, signal?: AbortSignal): Promise<ImageRecord> {
  const { results } = await call<GenerateImagesResponse>("/api/images", { method: "POST", body: JSON.stringify({ ...body, count: 1 }), signal });
  const [result] = results as [ImageResult];
  if ("error" in result) throw new ApiError(result.error.message, 200);
  return result.image;
}

export function listImages(cursor?: string): Promise<ImagePage> {
  return call(`/api/images${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`);
}

export function deleteImage(id: string): Promise<void> {
  return call(`/api/images/${encodeURIComponent(id)}`, { method: "DELETE" });
}

export const imageUrl = (id: string) => `/api/images/${encodeURIComponent(id)}`;
export const downloadUrl = (id: string) => `${imageUrl(id)}?download=1`;
