// createProviders gives every slot a provider: the real client where a key is set, the local renderer elsewhere;
// wireMedia registers /media and reports provider health.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Hapi from '@hapi/hapi';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.ts';
import { wireMedia } from '../../app/wire-media.ts';
import { createProviders } from '../../infra/providers/index.ts';
import { startRunwayFake } from '../fakes/runway.ts';
import type { ProviderFake } from '../fakes/http.ts';

describe('createProviders and wireMedia', () => {
  let fake: ProviderFake;
  let dir: string;
  beforeAll(async () => {
    fake = await startRunwayFake('rw-key');
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vidgo-wire-'));
  });
  afterAll(async () => {
    await fake.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const config = () =>
    loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: dir,
      RUNWAY_API_KEY: 'rw-key',
      RUNWAY_API_BASE: fake.url,
      PUBLIC_BASE_URL: 'https://bot.example',
    });

  it('uses the real client where a key is set and the local renderer elsewhere', async () => {
    const p = createProviders(config());
    expect(p.runway.local).toBeFalsy();
    expect(p.runway.name).toBe('runway');
    for (const slot of ['leonardo', 'pollo', 'goenhance'] as const)
      expect(p[slot]).toMatchObject({ name: slot, local: true });
    const job = await p.runway.submit({
      generationId: 'g',
      kind: 'video',
      prompt: 'x',
      resolution: '720p',
      fps: 24,
      durationSeconds: 5,
    });
    expect(fake.jobs.has(job.jobId)).toBe(true);
  });

  it('wires /media, logs real and local slots, and probes providers', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (l: string) => lines.push(l) });
    const server = Hapi.server({ port: 0, host: '127.0.0.1' });
    const media = await wireMedia(config(), log, server, 't'.repeat(32));
    await server.start();
    try {
      const entry = JSON.parse(lines.find((l) => l.includes('"real"'))!);
      expect(entry).toMatchObject({ real: ['runway'], local: ['leonardo', 'pollo', 'goenhance'], media: 'disk' });
      expect(JSON.stringify(lines)).not.toContain('rw-key');
      await media.mediaStore.put('videos/w.mp4', Buffer.from('hello'), 'video/mp4');
      expect(await media.mediaStore.publicUrl('videos/w.mp4')).toBe('https://bot.example/media/videos/w.mp4');
      const res = await fetch(`${server.info.uri}/media/videos/w.mp4`);
      expect(await res.text()).toBe('hello');
      expect(await media.providerHealth()).toEqual({ leonardo: true, runway: true, pollo: true, goenhance: true });
    } finally {
      await server.stop();
    }
  });
});
