import type { ImagePage, ImageRecord } from "../../../contract/images-api";
import { IMAGE_BYTES_ESTIMATE } from "../storage/byte-budget";
import type { Person } from "../person";
import { ImageTable } from "./image-table";
import { IMAGE_TABLES } from "./schema";

/** Generated images' records (the bytes are in R2, worker/images/): the gallery, and room for a batch. */
export class Images {
  static readonly tables = IMAGE_TABLES;
  readonly table: ImageTable;

  constructor(private readonly person: Person) {
    this.table = new ImageTable(person.sql);
  }

  saveImage(record: ImageRecord): void {
    this.person.ctx.storage.transactionSync(() => {
      this.person.quotas.checkImages(1);
      this.person.budget.within("This image", () => this.table.save(record));
    });
  }

  /** Before generating: refuses a batch the person has no room left to keep (by count, and by bytes at about a megabyte each). */
  checkRoomForImages(count: number): void {
    this.person.quotas.checkImages(count);
    this.person.budget.checkRoom(count === 1 ? "This image" : `These ${count} images`, count * IMAGE_BYTES_ESTIMATE);
  }

  listImages(cursor: string | undefined, limit: number): ImagePage {
    return this.table.list(cursor, limit);
  }

  getImage(id: string): ImageRecord | null {
    return this.table.get(id);
  }

  deleteImage(id: string): boolean {
    return this.table.delete(id);
  }
}
