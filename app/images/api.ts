import type { GenerateImagesResponse, ImagePage, ImageRecord, ImageResult } from "../../contract/images-api";
import { ApiError, request as call } from "../api";

/** One image per request, so each appears as soon as it is ready. */
export async function generateImage(body: Record<string, unknown>, signal?: AbortSignal): Promise<ImageRecord> {
  const { results } = await call<GenerateImagesResponse>("/api/images", {
    method: "POST",
    body: JSON.stringify({ ...body, count: 1 }),
    signal,
  });
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
