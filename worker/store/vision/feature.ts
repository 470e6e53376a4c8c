import type { VisionImage, VisionThread, VisionThreadDetail } from "../../../contract/vision-api";
import { readUploadObject } from "../../vision/save-upload";
import type { Person } from "../person";
import { UploadExpiry, uploadTtlHours } from "./upload-expiry";
import { VISION_TABLES } from "./schema";
import { VisionTables } from "./vision-tables";

/** A photo the person uploaded, with its bytes from R2; `pending`: still in the prefix that expires. */
export interface LoadedUpload {
  record: VisionImage;
  bytes: Uint8Array;
  pending: boolean;
}

/**
 * Vision Q&A: the person's uploaded photos and the threads about them. Photos never asked about
 * expire (../upload-expiry.ts, a job of the object's alarm).
 */
export class Vision {
  static readonly tables = VISION_TABLES;
  readonly rows: VisionTables;
  readonly uploadExpiry: UploadExpiry;

  constructor(private readonly person: Person) {
    const { ctx, env } = person;
    this.rows = new VisionTables(ctx.storage);
    this.uploadExpiry = new UploadExpiry(ctx.storage, env.MEDIA, ctx.id.name, uploadTtlHours(env.UPLOAD_TTL_HOURS));
    person.onAlarm(async () => void (await this.uploadExpiry.sweep(person.seams.clock.now())));
  }

  async addVisionImage(image: VisionImage): Promise<void> {
    this.person.ctx.storage.transactionSync(() => {
      this.person.quotas.checkUpload(image.bytes);
      this.person.budget.within("This photo", () => this.rows.addImage(image));
    });
    await this.uploadExpiry.schedule();
  }

  getVisionImage(id: string): VisionImage | null {
    return this.rows.getImage(id);
  }

  listVisionThreads(query?: string): VisionThread[] {
    return this.rows.listThreads(query);
  }

  /** Every vision thread's id, newest first, for the export archive. */
  visionThreadIds(): string[] {
    return this.person.sql
      .exec<{ id: string }>(`SELECT id FROM vision_threads ORDER BY updated_at DESC`)
      .toArray()
      .map((row) => row.id);
  }

  renameVisionThread(id: string, title: string): VisionThread | null {
    return this.rows.renameThread(id, title);
  }

  getVisionThread(id: string): VisionThreadDetail | null {
    return this.rows.getThread(id);
  }

  deleteVisionThread(id: string): { orphanedImageId: string | null } | undefined {
    void this.person.answers.running("vision", id)?.stop();
    return this.rows.deleteThread(id);
  }
}

/** One of the person's uploaded photos with its bytes; null when its record or its bytes are gone. */
export async function loadUpload(person: Person, userId: string, imageId: string): Promise<LoadedUpload | null> {
  const record = person.feature(Vision).rows.getImage(imageId);
  const stored = record ? await readUploadObject(person.env.MEDIA, userId, record.id) : null;
  if (!record || !stored) return null;
  return { record, bytes: new Uint8Array(await stored.object.arrayBuffer()), pending: stored.pending };
}
