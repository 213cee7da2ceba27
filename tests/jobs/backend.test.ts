// Backend selection (no MongoDB here: only which backend JOBS_URL selects, constructed without connecting).
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.ts';
import { redactUrl, selectBackend } from '../../infra/jobs/backend.ts';

const DB = 'postgres://app:secret@db:5432/vidgo';

describe('jobs backend selection', () => {
  it('uses the app PostgreSQL when JOBS_URL is unset', async () => {
    const s = selectBackend({ jobsUrl: loadConfig({}).jobsUrl, databaseUrl: DB });
    expect([s.kind, s.backend.name]).toEqual(['postgres', 'PostgreSQL']);
    expect(s.where).not.toContain('secret');
    await s.close();
  });

  it('uses another PostgreSQL when JOBS_URL is a postgres URL', async () => {
    const s = selectBackend({
      jobsUrl: loadConfig({ JOBS_URL: 'postgresql://jobs@q:5432/jobs' }).jobsUrl,
      databaseUrl: DB,
    });
    expect([s.kind, s.where]).toEqual(['postgres', 'postgresql://jobs@q:5432/jobs']);
    await s.close();
  });

  it('uses MongoDB for a mongodb:// JOBS_URL, as docker-compose sets it', async () => {
    const s = selectBackend({
      jobsUrl: loadConfig({ JOBS_URL: 'mongodb://u:pw@mongo:27017/agenda' }).jobsUrl,
      databaseUrl: DB,
    });
    expect([s.kind, s.backend.name]).toEqual(['mongo', 'MongoDB']);
    expect(s.where).toBe('mongodb://u:***@mongo:27017/agenda');
  });

  it('refuses other schemes and redacts passwords', () => {
    expect(() => selectBackend({ jobsUrl: 'redis://x', databaseUrl: DB })).toThrow(/postgres:\/\/ or mongodb:\/\//);
    expect(redactUrl('postgres://a:b@h/d')).toBe('postgres://a:***@h/d');
  });
});
