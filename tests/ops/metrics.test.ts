// Acceptance of what an operator watches, on the composed app and fakes of every outside API: one scripted
// Starter generation that fails over twice (Leonardo and Runway refuse it), asks for consent before Pollo's
// points, has its prompt moderated by the keyword filter alone (Gemini answers 500) and whose final message is
// refused once by LINE (retried by the delivery job). Then /metrics must show each family with those labels, the
// health probes answer, the request id of the prompt is in the generation job's log lines, and the job dashboard
// is for admins only.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlLedger } from '../../infra/db/sql-ledger.ts';
import { systemClock } from '../../core/ports.ts';
import { createMagicLinks } from '../../app/wire-web.ts';
import { Client } from '../web/support/browserless.ts';
import { METRICS_TOKEN, sample, startOpsWorld, type OpsWorld } from './support/ops-world.ts';

const USER = `Uops${crypto.randomBytes(6).toString('hex')}`;
const PLAIN_USER = `Uopsplain${crypto.randomBytes(4).toString('hex')}`;
const PROMPT_REQUEST_ID = `ops-prompt-${crypto.randomBytes(4).toString('hex')}`;

let w: OpsWorld;
let generationId = '';
let pendingWhileRetrying: number | undefined;
let text = '';

beforeAll(async () => {
  w = await startOpsWorld({ redisDb: 15, adminLineUser: USER });
  // The account exists after a first message; then it becomes a Starter subscriber with points to spend.
  expect((await w.post([w.says(USER, '/help')])).status).toBe(200);
  expect((await w.post([w.says(PLAIN_USER, '/help')])).status).toBe(200);
  const [u] = await w.until(async () => {
    const r = await w.q<{ user_id: string }>(
      `SELECT user_id FROM chat_identities WHERE platform = 'line' AND platform_user_id = $1`,
      [USER],
    );
    return r.length ? r : undefined;
  }, 'the LINE account');
  await w.q(
    `INSERT INTO subscriptions (user_id, plan_id, status, start_date, end_date)
    SELECT $1, id, 'active', now(), now() + interval '30 days' FROM plans WHERE slug = 'starter'`,
    [u!.user_id],
  );
  await new SqlLedger(w.app.infra.sequelize, systemClock).credit(
    u!.user_id,
    'purchased',
    200,
    'ops test',
    `ops-test-${USER}`,
  );

  // Leonardo and Runway refuse the job (HTTP 500): the run falls through to Pollo basic, which costs points.
  w.leonardo.fault('submit', { status: 500, body: { error: 'internal' } }, 5);
  w.runway.fault('submit', { status: 500, body: { error: 'internal' } }, 5);
  const res = await w.post([w.says(USER, '/video a paper boat drifting on a calm river')], {
    'x-request-id': PROMPT_REQUEST_ID,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('x-request-id')).toBe(PROMPT_REQUEST_ID);

  const asked = await w.until(
    async () => (await w.q<{ id: string }>(`SELECT id FROM generations WHERE status = 'awaiting_consent'`))[0],
    'the consent question',
    90_000,
  );
  generationId = asked.id;
  // The question is pushed just after the status changes: the refused push below must be the final message's.
  await w.until(() => w.line.sent.some((m) => m.kind === 'push' && m.to === USER), 'the consent question pushed');
  // The final message's first push is refused (500), so the delivery job retries it.
  w.line.ctl.failPushes = 1;
  expect((await w.post([w.presses(USER, `/consent ${generationId} points`)])).status).toBe(200);
  await w.until(
    async () => sample(await w.scrape(), 'vidgo_delivery_retries_total', { platform: 'line', kind: 'final' }),
    'a delivery retry',
    90_000,
  );
  // The retry waits 5 s (deliveries.ts): meanwhile the final message is pending.
  pendingWhileRetrying = await w.until(
    async () => sample(await w.scrape(), 'vidgo_deliveries_pending', { platform: 'line', kind: 'final' }),
    'the pending delivery',
    4_000,
  );
  await w.until(
    async () =>
      (await w.q(`SELECT 1 FROM generations WHERE id = $1 AND delivered_at IS NOT NULL`, [generationId])).length > 0,
    'the delivered video',
    90_000,
  );

  // A redelivered event, a forged signature and a forged payment callback.
  const again = w.says(USER, '/help');
  await w.post([again]);
  await w.post([again]);
  expect((await w.post([w.says(USER, '/help')], {}, false)).status).toBe(401);
  const ecpay = await fetch(`${w.base}/api/v1/payments/ecpay/callback`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'MerchantTradeNo=X1&RtnCode=1&CheckMacValue=FORGED',
  });
  expect(await ecpay.text()).toMatch(/^0\|/);
  text = await w.scrape();
  if (process.env.OPS_DUMP) (await import('node:fs')).writeFileSync(process.env.OPS_DUMP, text);
}, 240_000);
afterAll(async () => {
  await w?.close();
});

describe('GET /metrics', () => {
  it('refuses a scrape without the bearer token', async () => {
    const none = await fetch(`${w.base}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await none.text()).not.toContain('vidgo_');
    const wrong = await fetch(`${w.base}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN.slice(0, -1)}x` },
    });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${w.base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(right.status).toBe(200);
    expect(right.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('counts HTTP requests by route pattern and status, and webhooks by outcome', () => {
    expect(
      sample(text, 'vidgo_http_requests_total', { method: 'POST', route: '/webhooks/line', status: '200' }),
    ).toBeGreaterThanOrEqual(5);
    expect(sample(text, 'vidgo_http_requests_total', { method: 'POST', route: '/webhooks/line', status: '401' })).toBe(
      1,
    );
    expect(
      sample(text, 'vidgo_http_request_duration_seconds_count', { method: 'POST', route: '/webhooks/line' }),
    ).toBeGreaterThanOrEqual(6);
    expect(
      sample(text, 'vidgo_webhook_events_total', { platform: 'line', outcome: 'accepted' }),
    ).toBeGreaterThanOrEqual(5);
    expect(sample(text, 'vidgo_webhook_events_total', { platform: 'line', outcome: 'duplicate' })).toBe(1);
    expect(sample(text, 'vidgo_webhook_events_total', { platform: 'line', outcome: 'bad_signature' })).toBe(1);
    expect(sample(text, 'vidgo_payment_callbacks_total', { provider: 'ecpay', outcome: 'bad_signature' })).toBe(1);
  });

  it('follows the generation: start, failovers, consent, step durations, finish and delivery', () => {
    expect(
      sample(text, 'vidgo_generations_started_total', { provider: 'leonardo', tier: 'starter', kind: 'video' }),
    ).toBe(1);
    expect(sample(text, 'vidgo_generation_queue_wait_seconds_count', { tier: 'starter' })).toBe(1);
    expect(sample(text, 'vidgo_failovers_total', { from: 'leonardo', to: 'runway', reason: 'server_error' })).toBe(1);
    expect(sample(text, 'vidgo_failovers_total', { from: 'runway', to: 'pollo', reason: 'server_error' })).toBe(1);
    expect(sample(text, 'vidgo_consent_asked_total', { reason: 'failover' })).toBe(1);
    expect(sample(text, 'vidgo_consent_answered_total', { choice: 'points' })).toBe(1);
    expect(
      sample(text, 'vidgo_generation_provider_seconds_count', { provider: 'leonardo', outcome: 'server_error' }),
    ).toBe(1);
    expect(sample(text, 'vidgo_generation_provider_seconds_count', { provider: 'pollo', outcome: 'succeeded' })).toBe(
      1,
    );
    expect(sample(text, 'vidgo_generation_processing_seconds_count', { provider: 'pollo' })).toBe(1);
    expect(
      sample(text, 'vidgo_generations_finished_total', {
        provider: 'pollo',
        tier: 'starter',
        kind: 'video',
        outcome: 'succeeded',
      }),
    ).toBe(1);
    expect(sample(text, 'vidgo_generation_delivery_seconds_count', { platform: 'line' })).toBe(1);
    expect(sample(text, 'vidgo_generation_delivery_seconds_sum', { platform: 'line' })).toBeGreaterThan(1); // waited for the retry
  });

  it('counts moderation by source with the Gemini fallback, and the ledger operations', () => {
    expect(sample(text, 'vidgo_moderation_verdicts_total', { source: 'keyword', verdict: 'allowed' })).toBe(1);
    expect(sample(text, 'vidgo_moderation_gemini_fallbacks_total', { reason: 'error' })).toBe(1);
    expect(sample(text, 'vidgo_ledger_operations_total', { operation: 'reserve', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'vidgo_ledger_operations_total', { operation: 'commit', outcome: 'ok' })).toBe(1);
  });

  it('shows deliveries pending and retried, the job queue per job name and provider health', () => {
    expect(sample(text, 'vidgo_delivery_retries_total', { platform: 'line', kind: 'final' })).toBe(1);
    expect(pendingWhileRetrying).toBe(1);
    expect(sample(text, 'vidgo_deliveries_pending', { platform: 'line', kind: 'final' }) ?? 0).toBe(0);
    for (const family of [
      'vidgo_job_queue_depth',
      'vidgo_job_queue_oldest_age_seconds',
      'vidgo_jobs_running',
      'vidgo_jobs_failed',
      'vidgo_jobs_retrying',
    ]) {
      expect(sample(text, family, { job: 'cleanup' }), family).toBeGreaterThanOrEqual(0);
    }
    expect(sample(text, 'vidgo_provider_healthy', { provider: 'pollo' })).toBe(1);
    expect(sample(text, 'vidgo_provider_healthy', { provider: 'leonardo' })).toBeDefined();
    expect(sample(text, 'vidgo_process_cpu_seconds_total')).toBeGreaterThan(0);
  });
});

describe('request ids', () => {
  it('carries the prompt request id into the generation job and its delivery', () => {
    const mine = w.lines.filter((l) => l.generationId === generationId);
    const run = mine.find((l) => l.msg === 'generation run');
    expect(run).toMatchObject({ reqId: PROMPT_REQUEST_ID, generationId });
    // The delivery was scheduled from inside a run, so it carries the id of whichever request enqueued that run.
    const retry = mine.find((l) => l.msg === 'final message not delivered; retrying');
    expect(retry?.reqId).toEqual(expect.any(String));
    // The webhook's own access line: hapi-pino, with the request id as req.id.
    expect(w.lines.some((l) => l.req?.id === PROMPT_REQUEST_ID && l.res?.statusCode === 200)).toBe(true);
  });

  it('makes one when none (or a malformed one) is given, and keeps probes off the info level', async () => {
    const made = await fetch(`${w.base}/health/live`, { headers: { 'x-request-id': 'has spaces\tand tabs' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const probeLines = w.lines.filter(
      (l) => l.req?.url?.startsWith?.('/health') || l.path?.startsWith?.('/health') || l.path === '/metrics',
    );
    expect(probeLines.length).toBeGreaterThan(0);
    expect(probeLines.every((l) => l.level <= 20)).toBe(true);
  });
});

describe('health probes', () => {
  it('answers live and ready, and keeps /health as it was', async () => {
    const live = await fetch(`${w.base}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'live' });
    const ready = await fetch(`${w.base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', db: 'ok', jobs: 'ok', redis: 'ok' });
    const health = await (await fetch(`${w.base}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', db: 'ok', jobs: 'ok', redis: 'ok' });
    expect(Object.keys(health.providers)).toContain('pollo');
  });
});

describe('the job dashboard', () => {
  const signedIn = async (lineUser: string) => {
    const [u] = await w.q<{ user_id: string }>(
      `SELECT user_id FROM chat_identities WHERE platform = 'line' AND platform_user_id = $1`,
      [lineUser],
    );
    const links = createMagicLinks(w.app.config, w.app.infra, w.app.config.jwtSecret!);
    const c = new Client(w.base);
    // The link names PUBLIC_BASE_URL (the https front); the test reaches the app on its own port.
    const link = (await links.linkFor(u!.user_id, '/')).replace(w.config.publicBaseUrl, w.base);
    expect((await c.signIn(link, new URL(w.config.publicBaseUrl).origin)).status).toBe(303);
    return c;
  };

  it('is refused without a session and to a user who is not an admin', async () => {
    expect((await new Client(w.base).fetch('/admin/jobs/api')).status).toBe(401);
    const plain = await signedIn(PLAIN_USER);
    expect((await plain.fetch('/admin/jobs/api')).status).toBe(403);
  });

  it('shows an admin the jobs by name and state (Agendash on the PostgreSQL job store)', async () => {
    const admin = await signedIn(USER);
    const page = await admin.fetch('/admin/jobs');
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/admin/jobs/');
    const index = await admin.fetch('/admin/jobs/');
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('Agendash');
    const api = await admin.json('/admin/jobs/api');
    expect(api.status).toBe(200);
    const names = api.body.overview.map((o: { displayName: string }) => o.displayName);
    expect(names).toEqual(expect.arrayContaining(['All Jobs', 'cleanup', 'provider-health']));
    // A change from another origin is refused even with the admin's cookie.
    const forged = await admin.fetch('/admin/jobs/api/jobs/delete', {
      method: 'POST',
      json: { jobIds: [] },
      headers: { origin: 'https://evil.example' },
    });
    expect(forged.status).toBe(403);
  });
});
