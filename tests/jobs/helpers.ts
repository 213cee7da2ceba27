// Shared set-up for the jobs tests: a jobs service on the test database, and rows to act on.
import { QueryTypes, type Sequelize } from 'sequelize';
import { createLogger } from '../../app/logger.ts';
import { selectBackend } from '../../infra/jobs/backend.ts';
import { createJobsService, type JobsServiceOptions } from '../../infra/jobs/jobs-service.ts';

export const quietLog = createLogger('silent', false);

export function jobsOn(dbUrl: string, sequelize: Sequelize, o: Partial<JobsServiceOptions> = {}) {
  return createJobsService({
    selected: selectBackend({ databaseUrl: dbUrl }),
    sequelize,
    tasks: {},
    timezone: 'Asia/Taipei',
    demoRetentionDays: 30,
    log: quietLog,
    schedule: false,
    processEveryMs: 200,
    ...o,
  });
}

export async function makeUser(sequelize: Sequelize, name = 'u'): Promise<string> {
  const [row] = await sequelize.query<{ id: string }>(`INSERT INTO users (display_name) VALUES ($1) RETURNING id`, {
    bind: [name], type: QueryTypes.SELECT,
  });
  return row!.id;
}

export async function makeGeneration(sequelize: Sequelize, userId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const cols = ['user_id', 'prompt', ...Object.keys(extra)];
  const vals = [userId, 'a cat surfing', ...Object.values(extra)];
  const [row] = await sequelize.query<{ id: string }>(
    `INSERT INTO generations (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
    { bind: vals, type: QueryTypes.SELECT },
  );
  return row!.id;
}

export async function until<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, stepMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
