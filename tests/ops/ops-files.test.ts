// The shipped alert rules and Grafana dashboard query only families the app really exposes; /metrics is absent
// without METRICS_TOKEN; LINE's monthly-quota refusal (through the real SDK client, against the fake LINE) is
// counted as such.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { messagingApi } from '@line/bot-sdk';
import { createServer } from '../../web/server.ts';
import { createLogger } from '../../app/logger.ts';
import { createMetrics, wireOps } from '../../app/wire-ops.ts';
import { loadConfig } from '../../app/config.ts';
import { PromMetrics } from '../../infra/metrics/registry.ts';
import { countPushRefusals } from '../../infra/metrics/decorators.ts';
import { startFakeLine } from '../fakes/line.ts';
import { sample } from './support/ops-world.ts';

const root = new URL('../../', import.meta.url);
const families = async () => {
  const m = new PromMetrics();
  return new Set((await m.registry.getMetricsAsJSON()).map((f) => f.name));
};
/** vidgo_… names in a PromQL expression, with a histogram's _bucket/_sum/_count folded into its family. */
const namesIn = (expr: string) =>
  [...expr.matchAll(/\bvidgo_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, ''));

describe('ops/alerts.yml', () => {
  const file = parse(fs.readFileSync(new URL('ops/alerts.yml', root), 'utf8')) as {
    groups: { name: string; rules: Record<string, any>[] }[];
  };
  const rules = file.groups.flatMap((g) => g.rules);

  it('has the alerts an operator asked for, each with a severity and a summary', () => {
    const exprs = Object.fromEntries(rules.map((r) => [r.alert, r.expr as string]));
    expect(exprs.VidGoGenerationQueueStuck).toContain('vidgo_job_queue_oldest_age_seconds');
    expect(exprs.VidGoFailoverRateHigh).toContain('vidgo_failovers_total');
    expect(exprs.VidGoGeminiFallbackRateHigh).toContain('vidgo_moderation_gemini_fallbacks_total');
    expect(exprs.VidGoDeliveryBacklog).toContain('vidgo_deliveries_pending');
    expect(exprs.VidGoLinePushQuotaRefused).toContain('reason="quota"');
    for (const r of rules) {
      expect(r.labels?.severity, r.alert).toMatch(/^(page|warning)$/);
      expect(r.annotations?.summary, r.alert).toEqual(expect.any(String));
      if (r.for) expect(r.for, r.alert).toMatch(/^\d+[smh]$/);
    }
  });

  it('and the dashboard query only families the app exposes', async () => {
    const known = await families();
    const dash = JSON.parse(fs.readFileSync(new URL('ops/grafana-dashboard.json', root), 'utf8'));
    const exprs = [
      ...rules.map((r) => r.expr as string),
      ...dash.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => t.expr as string)),
    ];
    const used = new Set(exprs.flatMap(namesIn));
    expect(used.size).toBeGreaterThan(15);
    expect([...used].filter((n) => !known.has(n))).toEqual([]);
  });
});

describe('metrics off', () => {
  let close = async () => {};
  afterAll(() => close());

  it('serves no /metrics without METRICS_TOKEN', async () => {
    const config = loadConfig({ NODE_ENV: 'test' }, '/srv');
    expect(await createMetrics(config)).toBeUndefined();
    const server = await createServer({
      port: 0,
      host: '127.0.0.1',
      log: createLogger('silent', false),
      corsOrigins: [],
    });
    close = () => server.stop();
    await wireOps({
      config,
      server,
      log: createLogger('silent', false),
      jobs: { agenda: undefined as never, stats: async () => [] },
      providerHealth: async () => ({}),
    });
    const res = await server.inject({
      url: '/metrics',
      headers: { authorization: 'Bearer anything-at-all-0123456789' },
    });
    expect(res.statusCode).toBe(404);
  });
});

describe('LINE push refusals', () => {
  it('counts the monthly quota refusal apart from other failures, and rethrows', async () => {
    const line = await startFakeLine({ accessToken: 'ops-token' });
    try {
      const m = new PromMetrics({ defaultMetrics: false });
      const client = countPushRefusals(
        new messagingApi.MessagingApiClient({ channelAccessToken: 'ops-token', baseURL: line.url }),
        'pushMessage',
        'line',
        m,
      );
      line.ctl.quotaExceeded = true;
      await expect(client.pushMessage({ to: 'U1', messages: [{ type: 'text', text: 'hi' }] })).rejects.toMatchObject({
        status: 429,
      });
      line.ctl.quotaExceeded = false;
      line.ctl.failPushes = 1;
      await expect(client.pushMessage({ to: 'U1', messages: [{ type: 'text', text: 'hi' }] })).rejects.toMatchObject({
        status: 500,
      });
      await client.pushMessage({ to: 'U1', messages: [{ type: 'text', text: 'hi' }] });
      const text = await m.text();
      expect(sample(text, 'vidgo_chat_push_failures_total', { platform: 'line', reason: 'quota' })).toBe(1);
      expect(sample(text, 'vidgo_chat_push_failures_total', { platform: 'line', reason: 'server_error' })).toBe(1);
      expect(line.sent.filter((s) => s.kind === 'push')).toHaveLength(1);
    } finally {
      await line.close();
    }
  });
});
