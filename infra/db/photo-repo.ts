// Received photos (chat_photos): each stored photo's private media key, so every photo is deleted once the
// retention has passed, whether a video was made from it, refused, or never asked for.
import { QueryTypes, type Sequelize } from 'sequelize';

export class SqlPhotoRecords {
  constructor(private readonly db: Sequelize) {}

  async add(p: { userId: string; key: string; width: number; height: number; sizeBytes: number }): Promise<void> {
    await this.db.query(
      `INSERT INTO chat_photos (user_id, media_key, width, height, size_bytes) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (media_key) DO NOTHING`,
      { bind: [p.userId, p.key, p.width, p.height, p.sizeBytes] },
    );
  }

  /**
   * Deletes the files of photos received before `cutoff` (MediaStore.delete), then marks them deleted; a photo an
   * unfinished generation still animates waits for it. Safe to repeat: a failed delete is retried next run.
   */
  async purge(
    cutoff: Date,
    deleteMedia: (key: string) => Promise<void>,
    batch = 500,
    log?: { warn(o: object, m: string): void },
  ): Promise<{ deleted: number; failed: number }> {
    const rows = await this.db.query<{ id: string; media_key: string }>(
      `SELECT p.id, p.media_key FROM chat_photos p
       WHERE p.deleted_at IS NULL AND p.created_at < $1
         AND NOT EXISTS (SELECT 1 FROM generations g WHERE g.source_image->>'key' = p.media_key
                         AND g.status IN ('awaiting_consent', 'queued', 'running'))
       ORDER BY p.created_at LIMIT $2`,
      { bind: [cutoff, batch], type: QueryTypes.SELECT },
    );
    let deleted = 0;
    let failed = 0;
    for (const r of rows) {
      try {
        await deleteMedia(r.media_key);
        await this.db.query(`UPDATE chat_photos SET deleted_at = now() WHERE id = $1`, { bind: [r.id] });
        deleted++;
      } catch (err) {
        failed++;
        log?.warn({ photo: r.id, err: (err as Error).message }, 'photo delete failed; retried next run');
      }
    }
    return { deleted, failed };
  }
}
