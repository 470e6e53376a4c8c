import type { ArchiveRestoreResult } from "../../contract/archive-extras";
import type { ImportFile } from "../../contract/import-file";
import type { ImportBatchResult, ImportResult } from "../../contract/transfer";
import { request } from "../api";

/** Sends a file's text as it is: the Worker checks all of it before it writes anything. */
export function importFile(text: string): Promise<ImportResult> {
  return request("/api/import", { method: "POST", body: text });
}

/** One batch of a large import (contract/import-batches.ts made its body). */
export function importBatch(body: string): Promise<ImportBatchResult> {
  return request("/api/import/batch", { method: "POST", body });
}

/** This app's archive's memories, projects and assistants (sent before its conversations, so they land in their projects). */
export function restoreArchive(extras: NonNullable<ImportFile["extras"]>): Promise<ArchiveRestoreResult> {
  return request("/api/import/archive", { method: "POST", body: JSON.stringify(extras) });
}
