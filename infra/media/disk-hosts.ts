// Media on disk (no S3) is per machine: its files exist only under that machine's DATA_DIR/media, and the links
// users get point at whichever instance serves them. Instances on ONE machine share the folder and are fine;
// instances on two machines sharing one database are not, and that is the case we can detect: each disk-media
// instance records its hostname in the shared database and renews it every minute; a start-up that finds another
// hostname seen within the last 10 minutes refuses to start. A machine that is gone for good stops being seen, so
// moving the service to a new machine needs no manual step.
import os from 'node:os';
import { QueryTypes, type Sequelize } from 'sequelize';

export const HOST_FRESH_MINUTES = 10;

export class MediaOnAnotherMachine extends Error {
  constructor(
    readonly otherHost: string,
    readonly otherDir: string,
  ) {
    super(
      `media is kept on disk and machine "${otherHost}" (${otherDir}) already uses this database with its own disk media: ` +
        'files made on one machine would be missing on the other. Set S3_BUCKET (and S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY) ' +
        'on every instance, or give this machine its own DATABASE_URL',
    );
    this.name = 'MediaOnAnotherMachine';
  }
}

/** Checks and records this machine; returns a stop function for the renewal. Throws MediaOnAnotherMachine. */
export async function claimDiskMedia(db: Sequelize, mediaDir: string, hostname = os.hostname()): Promise<() => void> {
  const others = await db.query<{ hostname: string; media_dir: string }>(
    `SELECT hostname, media_dir FROM media_disk_hosts WHERE hostname <> :hostname AND seen_at > now() - make_interval(mins => :fresh)`,
    { replacements: { hostname, fresh: HOST_FRESH_MINUTES }, type: QueryTypes.SELECT },
  );
  if (others[0]) throw new MediaOnAnotherMachine(others[0].hostname, others[0].media_dir);
  const renew = () =>
    db.query(
      `INSERT INTO media_disk_hosts (hostname, media_dir, seen_at) VALUES (:hostname, :mediaDir, now())
     ON CONFLICT (hostname) DO UPDATE SET media_dir = excluded.media_dir, seen_at = now()`,
      { replacements: { hostname, mediaDir } },
    );
  await renew();
  const timer = setInterval(() => void renew().catch(() => {}), 60_000); // a database outage: the next minute
  timer.unref();
  return () => clearInterval(timer);
}
