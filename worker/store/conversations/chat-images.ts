/**
 * Which uploaded images a conversation's messages use (table `chat_images`, ./schema.ts). The link
 * is what keeps a sent image alive: the upload sweep (./upload-expiry.ts) only expires images no
 * vision thread and no conversation refers to, and deleting a conversation deletes the images only
 * it used. The image records themselves are the vision page's (`vision_images`, ./vision.ts).
 */
export class ChatImageLinks {
  constructor(private readonly sql: SqlStorage) {}

  /** Called inside the transaction that saves the question, so a saved message never points at an unkept image. */
  link(conversationId: string, imageIds: readonly string[]): void {
    for (const id of imageIds)
      this.sql.exec(`INSERT OR IGNORE INTO chat_images (conversation_id, image_id) VALUES (?, ?)`, conversationId, id);
  }

  /**
   * Forgets a conversation's images and deletes the records of those nothing else uses (the caller
   * owns the transaction). Returns their ids, whose bytes the caller removes from R2.
   */
  forgetConversation(conversationId: string): string[] {
    const ids = this.sql
      .exec<{ image_id: string }>(`SELECT image_id FROM chat_images WHERE conversation_id = ?`, conversationId)
      .toArray()
      .map((row) => row.image_id);
    this.sql.exec(`DELETE FROM chat_images WHERE conversation_id = ?`, conversationId);
    const orphans = ids.filter((id) => !this.inUse(id));
    for (const id of orphans) this.sql.exec(`DELETE FROM vision_images WHERE id = ?`, id);
    return orphans;
  }

  /** Whether any conversation or vision thread still refers to the image. */
  inUse(imageId: string): boolean {
    return (
      this.sql
        .exec(
          `SELECT 1 FROM chat_images WHERE image_id = ? UNION ALL SELECT 1 FROM vision_threads WHERE image_id = ? LIMIT 1`,
          imageId,
          imageId,
        )
        .toArray().length > 0
    );
  }
}

/** SQL condition on `vision_images i`: no conversation uses the image (the upload sweep's addition). */
export const NOT_IN_CHAT = `NOT EXISTS (SELECT 1 FROM chat_images c WHERE c.image_id = i.id)`;
