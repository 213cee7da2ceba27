// The behaviour every provider client must show against its fake: success after N polls and each failure mode
// mapped to the ProviderError failover understands. Each provider's test file runs this and adds its own cases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, type VideoProvider, type VideoRequest } from '../../core/ports.ts';
import type { ClientOptions } from '../../infra/providers/http.ts';
import { waitForJob } from '../../core/generation/run/wait-for-job.ts';
import type { ProviderFake } from '../fakes/http.ts';

export interface Subject {
  start(): Promise<ProviderFake>;
  make(o: ClientOptions): VideoProvider;
  apiKey: string;
  request: VideoRequest;
  /** Header that must carry the key on every call. */
  authHeader: [string, string];
}

export function recorder() {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms: number) => {
      delays.push(ms);
    },
  };
}

export async function failureOf(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

export function conformance(
  name: string,
  s: Subject,
  extra?: (ctx: { fake: () => ProviderFake; client: (o?: Partial<ClientOptions>) => VideoProvider }) => void,
) {
  describe(`${name} client against its fake`, () => {
    let fake: ProviderFake;
    let rec = recorder();
    const client = (o: Partial<ClientOptions> = {}) =>
      s.make({
        apiKey: s.apiKey,
        baseUrl: fake.url,
        ...o,
        http: { requestTimeoutMs: 2000, backoffMs: 10, sleep: rec.sleep, ...o.http },
      });
    beforeAll(async () => {
      fake = await s.start();
    });
    afterAll(async () => {
      await fake.close();
    });

    it('succeeds after N polls, sending the key and the documented body', async () => {
      rec = recorder();
      fake.plan({ pollsBeforeDone: 3, outcome: 'succeeded' });
      const p = client();
      const job = await p.submit(s.request);
      expect(job.provider).toBe(name);
      const states = [await p.poll(job), await p.poll(job), await p.poll(job)];
      expect(states.map((x) => x.state)).toEqual(
        ['pending', 'running', 'succeeded'].map((st, i) => (i === 0 && name === 'leonardo' ? 'running' : st)),
      );
      expect(states[2]).toMatchObject({ videoUrl: expect.stringMatching(/\/files\/result\.mp4$/) });
      const sent = fake.requests.filter((r) => !r.path.startsWith('/files'));
      for (const r of sent) expect(r.headers[s.authHeader[0]]).toBe(s.authHeader[1]);
    });

    it('waitForJob polls to the end and returns the video URL', async () => {
      fake.plan({ pollsBeforeDone: 4, outcome: 'succeeded' });
      const p = client();
      const job = await p.submit(s.request);
      const end = await waitForJob(p, job, {
        intervalMs: 1,
        deadline: Date.now() + 10_000,
        now: Date.now,
        pause: async () => {},
      });
      const url = end.state === 'succeeded' ? end.videoUrl : String(end.error);
      expect(url).toMatch(/result\.mp4$/);
      expect(fake.jobs.get(job.jobId)!.polls).toBe(4);
    });

    it('maps 401 to unauthorized, not retriable', async () => {
      const err = await failureOf(client({ apiKey: 'wrong' }).submit(s.request));
      expect(err).toMatchObject({ code: 'unauthorized', retriable: false, provider: name });
    });

    it('waits out a 429 Retry-After and then succeeds', async () => {
      rec = recorder();
      fake.plan({ pollsBeforeDone: 1 });
      fake.fault('submit', { status: 429, headers: { 'retry-after': '2' }, body: { error: 'Too many requests' } });
      const job = await client().submit(s.request);
      expect(job.jobId).toMatch(/^job-/);
      expect(Math.max(...rec.delays)).toBeGreaterThanOrEqual(2000);
    });

    it('gives up on a lasting 429 with rate_limited and the Retry-After', async () => {
      fake.fault('submit', { status: 429, headers: { 'retry-after': '3' }, body: { error: 'quota' } }, 4);
      const err = await failureOf(client().submit(s.request));
      expect(err).toMatchObject({ code: 'rate_limited', retriable: true, retryAfterMs: 3000 });
    });

    it('retries a 500 with backoff and recovers', async () => {
      rec = recorder();
      const p = client();
      const job = await p.submit(s.request);
      fake.fault('poll', { status: 500, body: { error: 'boom' } }, 2);
      expect((await p.poll(job)).state).toBe('succeeded');
      expect(rec.delays.length).toBe(2);
    });

    it('maps a lasting 500 to server_error, retriable', async () => {
      const p = client();
      const job = await p.submit(s.request);
      fake.fault('poll', { status: 500, body: { error: 'boom' } }, 4);
      expect(await failureOf(p.poll(job))).toMatchObject({ code: 'server_error', retriable: true });
    });

    it('never re-sends a job-starting POST after a 500 (no double charge)', async () => {
      const before = fake.requests.filter((r) => r.method === 'POST').length;
      fake.fault('submit', { status: 500, body: { error: 'boom' } });
      expect(await failureOf(client().submit(s.request))).toMatchObject({ code: 'server_error', retriable: true });
      expect(fake.requests.filter((r) => r.method === 'POST').length).toBe(before + 1);
    });

    it('maps a refused connection to network, retriable', async () => {
      const p = s.make({
        apiKey: s.apiKey,
        baseUrl: 'http://127.0.0.1:9',
        http: { retries: 1, backoffMs: 1, sleep: async () => {} },
      });
      expect(await failureOf(p.submit(s.request))).toMatchObject({ code: 'network', retriable: true });
    });

    it('maps a hang past the timeout to timeout', async () => {
      const p = client({ http: { requestTimeoutMs: 200, retries: 0 } });
      const job = await p.submit(s.request);
      fake.fault('poll', { hang: true });
      expect(await failureOf(p.poll(job))).toMatchObject({ code: 'timeout', retriable: true });
    });

    it('reports a job that ends FAILED as job_failed', async () => {
      fake.plan({ pollsBeforeDone: 1, outcome: 'failed' });
      const p = client();
      const state = await p.poll(await p.submit(s.request));
      expect(state.state).toBe('failed');
      expect(state.state === 'failed' && state.error).toMatchObject({ code: 'job_failed', retriable: true });
    });

    it('maps malformed JSON to bad_response', async () => {
      fake.plan({ pollsBeforeDone: 1, outcome: 'succeeded' });
      const p = client();
      const job = await p.submit(s.request);
      fake.fault('poll', { status: 200, raw: '{"status": "SUCC' });
      expect(await failureOf(p.poll(job))).toMatchObject({ code: 'bad_response' });
    });

    it('stops waiting at the deadline with timeout', async () => {
      fake.plan({ pollsBeforeDone: 1_000_000 });
      const p = client();
      const job = await p.submit(s.request);
      const err = await failureOf(waitForJob(p, job, { intervalMs: 5, deadline: Date.now() + 30, now: Date.now }));
      expect(err).toMatchObject({ code: 'timeout', retriable: true });
    });

    it('probes reachability without starting a job', async () => {
      const before = fake.jobs.size;
      expect(await client().probe()).toBe(true);
      expect(await client({ apiKey: 'wrong' }).probe()).toBe(false);
      expect(fake.jobs.size).toBe(before);
    });

    extra?.({ fake: () => fake, client });
  });
}
