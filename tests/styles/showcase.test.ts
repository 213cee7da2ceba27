// The web showcase on a real PostgreSQL: Telegram deep links in the form the chat grammar reads (s_<id>), the
// LINE link pre-filling "/style <id> ", and sample clips rendered once by the local ffmpeg renderer (style name on
// it), stored in the disk media store and served through its public URL (/media/...).
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import type { Server } from '@hapi/hapi';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';
import { loadConfig } from '../../app/config.ts';
import { createLogger } from '../../app/logger.ts';
import { createServer } from '../../web/server.ts';
import { createMagicLinks, wireWeb, type WebWiring } from '../../app/wire-web.ts';
import { wireBilling } from '../../app/wire-billing.ts';
import { SqlLedger } from '../../infra/db/sql-ledger.ts';
import { systemClock } from '../../core/ports.ts';
import { mediaRoutes } from '../../web/routes/media.ts';
import { contentTypeFor, isValidKey } from '../../infra/media/keys.ts';
import { createDiskStore } from '../../infra/media/disk-store.ts';
import { createMediaTools } from '../../infra/media/ffmpeg-tools.ts';
import { createLocalRenderer } from '../../infra/providers/local.ts';
import { SqlStyleCatalog } from '../../infra/db/styles-repo.ts';
import { AccountService } from '../../core/accounts/account-service.ts';
import { SqlAccountsRepo } from '../../infra/db/accounts-repo.ts';
import { StyleSamples, sampleKeyOf } from '../../core/styles/samples.ts';
import { StyleShowcase } from '../../core/styles/showcase.ts';
import type { VideoProvider, VideoRequest } from '../../core/ports.ts';
import { parse, parseStartPayload } from '../../core/commands/grammar.ts';

const BASE = 'http://vidgo.test';
let db: TestDb;
let dir: string;
let server: Server;
let web: WebWiring;
let samples: StyleSamples;
let cookie: string;
const rendered: VideoRequest[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 4 });
  dir = await mkdtemp(path.join(os.tmpdir(), 'vidgo-styles-test-'));
  const log = createLogger('silent', false);
  const config = loadConfig({
    NODE_ENV: 'test',
    PUBLIC_BASE_URL: BASE,
    DATABASE_URL: db.url,
    JWT_SECRET: 'styles-test-secret-0123456789abcdef0123',
    TELEGRAM_BOT_TOKEN: '123:abc',
    TELEGRAM_BOT_USERNAME: 'VidGoBot',
    LINE_CHANNEL_SECRET: 'showcase-line-channel-secret-0123456789',
    LINE_CHANNEL_ACCESS_TOKEN: 't',
    LINE_BOT_BASIC_ID: '@vidgo',
  });
  server = await createServer({ port: 0, host: '127.0.0.1', log, corsOrigins: [] });
  const media = createDiskStore({ root: path.join(dir, 'media'), publicBaseUrl: BASE });
  await mediaRoutes(server, media, { isValidKey, contentTypeFor });
  const local = createLocalRenderer('local', {
    dir: path.join(dir, 'renders'),
    durationSeconds: 1,
    width: 320,
    height: 180,
  });
  const counted: VideoProvider = { ...local, submit: (r, s) => (rendered.push(r), local.submit(r, s)) };
  const catalog = new SqlStyleCatalog(db.sequelize);
  samples = new StyleSamples({
    catalog,
    store: catalog,
    renderer: counted,
    media,
    tools: createMediaTools({ tmpDir: path.join(dir, 'tmp') }),
    pollMs: 20,
  });
  const accounts = new AccountService(new SqlAccountsRepo(db.sequelize), { adminIds: [], defaultLocale: 'en' });
  const secret = 'styles-test-secret-0123456789abcdef0123';
  const ledger = new SqlLedger(db.sequelize, systemClock);
  const links = createMagicLinks(config, { sequelize: db.sequelize }, secret);
  const notifier = { push: async () => {} };
  const billing = wireBilling(config, { sequelize: db.sequelize }, log, { ledger, notifier, accounts, links });
  web = await wireWeb(server, config, { sequelize: db.sequelize }, log, secret, {
    ledger,
    accounts,
    links,
    billing,
    styles: new StyleShowcase(catalog, samples, media),
  });
  const a = await accounts.identify({
    platform: 'telegram',
    eventId: 'e1',
    platformUserId: 'tg-1',
    chatId: 'tg-1',
    kind: 'message',
    text: '/gallery',
  });
  const link = new URL(await web.links.linkFor(a.userId, '/showcase'));
  // Sign in as the user's browser does: the link's page, then its button (a form POST with the page's nonce cookie).
  const page = await server.inject({ url: `${link.pathname}${link.search}` });
  const nonceCookie = String(page.headers['set-cookie']).split(';')[0]!;
  const nonce = /name="nonce" value="([^"]+)"/.exec(page.payload)![1]!;
  const res = await server.inject({
    method: 'POST',
    url: '/auth/link',
    headers: { cookie: nonceCookie, 'content-type': 'application/x-www-form-urlencoded', origin: config.publicBaseUrl },
    payload: new URLSearchParams({ token: link.searchParams.get('token')!, nonce }).toString(),
  });
  cookie = String(
    ([] as string[]).concat(res.headers['set-cookie'] as string[]).find((c) => c.startsWith('vg_session=')),
  ).split(';')[0]!;
}, 60_000);
afterAll(async () => {
  await samples?.idle();
  await server?.stop();
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

const showcase = async () => {
  const res = await server.inject({ url: '/api/v1/showcase', headers: { cookie } });
  expect(res.statusCode).toBe(200);
  return res.result as {
    styles: {
      id: string;
      name: string;
      names: Record<string, string>;
      sampleUrl: string | null;
      telegram: string;
      line: string;
    }[];
  };
};

describe('style showcase', () => {
  it('links each style to Telegram as start=s_<id>, which the chat grammar reads back as that style', async () => {
    const { styles } = await showcase();
    expect(styles.map((s) => s.id)).toEqual(['anime', 'ghibli', 'pixar', 'cyberpunk', 'clay', 'sketch']);
    for (const s of styles) {
      expect(s.telegram).toBe(`https://t.me/VidGoBot?start=s_${s.id}`);
      expect(s.line).toBe(`https://line.me/R/oaMessage/%40vidgo/?${encodeURIComponent(`/style ${s.id} `)}`);
      const payload = new URL(s.telegram).searchParams.get('start')!;
      expect(payload).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
      expect(parse(`/start ${payload}`)).toEqual({ name: 'start', payload });
      expect(parseStartPayload(payload)).toEqual({ style: s.id });
    }
    expect(styles[0]!.names).toMatchObject({ ja: 'アニメ', 'zh-TW': '動漫', ko: '애니메이션' });
  });

  it('renders every sample once in the background after the first request, then serves it from the media store', async () => {
    await samples.idle();
    const first = await showcase(); // the first request above (or this one) started the renders; none waited
    await samples.idle();
    expect(rendered.map((r) => r.prompt).sort()).toEqual([
      '3D Cartoon',
      'Anime',
      'Claymation',
      'Cyberpunk Neon',
      'Pencil Sketch',
      'Watercolor Ghibli',
    ]);
    expect(first.styles.length).toBe(6);

    const { styles } = await showcase();
    for (const s of styles) expect(s.sampleUrl).toBe(`${BASE}/media/${sampleKeyOf(s.id)}`);
    const rows = await db.sequelize.query<{ sample_url: string }>(
      'SELECT sample_url FROM showcase_styles ORDER BY sort_order',
      { type: QueryTypes.SELECT },
    );
    expect(rows.map((r) => r.sample_url)).toEqual(styles.map((s) => s.sampleUrl));

    const clip = await server.inject({ url: new URL(styles[0]!.sampleUrl!).pathname });
    expect(clip.statusCode).toBe(200);
    expect(clip.headers['content-type']).toBe('video/mp4');
    expect(clip.rawPayload.subarray(4, 8).toString('latin1')).toBe('ftyp');

    // Later requests and another run render nothing more.
    await showcase();
    await samples.idle();
    expect(await samples.renderMissing()).toBe(0);
    expect(rendered).toHaveLength(6);
  }, 120_000);

  it('renders a missing sample on one instance only while it is claimed, and retakes a claim left by a crash', async () => {
    await db.sequelize.query(`UPDATE showcase_styles SET sample_key = NULL, sample_url = NULL WHERE id = 'clay'`);
    const catalog = new SqlStyleCatalog(db.sequelize);
    const local = createLocalRenderer('local', {
      dir: path.join(dir, 'r2'),
      durationSeconds: 1,
      width: 320,
      height: 180,
    });
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let entered!: () => void;
    const claimed = new Promise<void>((r) => (entered = r));
    // A second app instance: it claims clay, then is held before rendering.
    const other = new StyleSamples({
      catalog,
      store: catalog,
      renderer: { ...local, submit: async (r, sig) => (rendered.push(r), entered(), await gate, local.submit(r, sig)) },
      media: createDiskStore({ root: path.join(dir, 'media'), publicBaseUrl: BASE }),
      tools: createMediaTools({ tmpDir: path.join(dir, 'tmp') }),
      pollMs: 20,
    });
    const otherRun = other.renderMissing();
    await claimed;
    expect(await samples.renderMissing()).toBe(0); // clay is being rendered elsewhere
    open();
    expect(await otherRun).toBe(1);
    expect(rendered.filter((r) => r.prompt === 'Claymation')).toHaveLength(2); // the first pass above, and the other instance
    expect((await showcase()).styles.find((s) => s.id === 'clay')!.sampleUrl).toBe(
      `${BASE}/media/${sampleKeyOf('clay')}`,
    );

    // An instance that crashed mid-render leaves a claim; once stale it is taken again.
    await db.sequelize.query(
      `UPDATE showcase_styles SET sample_key = NULL, sample_url = NULL, sample_claimed_at = now() - interval '1 hour' WHERE id = 'sketch'`,
    );
    expect(await samples.renderMissing()).toBe(1);
    expect(rendered.filter((r) => r.prompt === 'Pencil Sketch')).toHaveLength(2);
  }, 120_000);
});
