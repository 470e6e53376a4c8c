import type { ImageRecord } from "../../contract/images-api";

/** `<slug-of-prompt>-<seed>.png`: readable in a downloads folder, and the seed makes it again. */
export function downloadName(record: ImageRecord): string {
  const slug =
    record.prompt
      .normalize("NFKD")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .slice(0, 60)
      .replace(/^-+|-+$/g, "") || "image";
  const extension = record.contentType === "image/jpeg" ? "jpg" : "png";
  return `${slug}-${record.seed ?? record.id}.${extension}`;
}
