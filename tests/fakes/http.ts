// A tiny scriptable HTTP server shared by the provider fakes: records every request, answers through a provider
// spec speaking the documented shapes, and lets a test queue faults (status, Retry-After, hang, malformed JSON).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  raw: Buffer;
}
export interface FakeReply {
  status?: number;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  hang?: boolean;
}
export type Endpoint = 'submit' | 'poll' | 'cancel' | 'probe';
export type Phase = 'pending' | 'running' | 'succeeded' | 'failed' | 'safety' | 'canceled';

export interface ProviderFakeSpec {
  authorized(headers: http.IncomingHttpHeaders): boolean;
  route(method: string, path: string, query: URLSearchParams): { endpoint: Endpoint; jobId?: string } | undefined;
  created(jobId: string): unknown;
  status(jobId: string, phase: Phase, videoUrl: string): unknown;
  probe(): unknown;
  unauthorized: FakeReply;
  /** The answer to a successful cancel (Runway: 204 no content). */
  canceled?: FakeReply;
  /** Routes beside the four endpoints (an upload step); answered first when it returns a reply. */
  extra?(req: Recorded, base: string): FakeReply | undefined | Promise<FakeReply | undefined>;
  /** Checks a submit's request against the documented shape: a reply (400) refuses it, undefined accepts it. */
  check?(path: string, req: Recorded): FakeReply | undefined;
  /**
   * The completion callback the real provider would send when a job ends (per request: from the submit body; per
   * key: a configured URL), or undefined when there is none.
   */
  callback?(
    jobId: string,
    phase: Phase,
    videoUrl: string,
    submitted: unknown,
  ): { url: string; headers: Record<string, string>; body: string } | undefined;
}

/**
 * pollsBeforeDone: the job ends at that poll; doneAfterMs instead: it ends that long after submit (as a real
 * provider does, polled or not), and the provider's callback, if it has one, is sent then.
 */
export interface JobPlan {
  pollsBeforeDone: number;
  outcome: 'succeeded' | 'failed' | 'safety';
  doneAfterMs?: number;
}

export interface FakeJob {
  polls: number;
  plan: JobPlan;
  canceled: boolean;
  submittedAt: number;
  doneAt?: number;
  submitted?: unknown;
}

export interface SentCallback {
  jobId: string;
  url: string;
  status: number | string;
  at: number;
}

export interface ProviderFake {
  url: string;
  requests: Recorded[];
  /** Next `times` calls of an endpoint get this answer instead (before auth and routing logic). */
  fault(endpoint: Endpoint, reply: FakeReply, times?: number): void;
  /** Plan for jobs created from now on. */
  plan(p: Partial<JobPlan>): void;
  jobs: Map<string, FakeJob>;
  /** Callbacks sent, in order, with our server's answer. */
  callbacks: SentCallback[];
  /** Bytes served at GET /files/<name> (result videos). */
  files: Map<string, Buffer>;
  close(): Promise<void>;
}

export async function startHttp(handler: (req: Recorded) => FakeReply | Promise<FakeReply>) {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const u = new URL(req.url ?? '/', 'http://fake');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* keep text */
      }
      const rec = {
        method: req.method ?? 'GET',
        path: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        body,
        raw: Buffer.concat(chunks),
      };
      requests.push(rec);
      const reply = await handler(rec);
      if (reply.hang) return; // never answer: the client's timeout must fire
      const payload =
        reply.raw ??
        (Buffer.isBuffer(reply.body) ? reply.body : reply.body === undefined ? '' : JSON.stringify(reply.body));
      const type =
        reply.raw !== undefined || reply.body !== undefined
          ? Buffer.isBuffer(reply.body)
            ? 'video/mp4'
            : 'application/json'
          : undefined;
      res.writeHead(reply.status ?? 200, { ...(type ? { 'content-type': type } : {}), ...reply.headers });
      res.end(payload);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let seq = 0;

export interface ProviderFakeOptions {
  /** Maps the public callback URL (https://our.example/...) to where our server listens in the test. */
  reach?: (url: string) => string;
}

export async function startProviderFake(
  spec: ProviderFakeSpec,
  prefix = '',
  opts: ProviderFakeOptions = {},
): Promise<ProviderFake> {
  const callbacks: SentCallback[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const faults: Record<Endpoint, FakeReply[]> = { submit: [], poll: [], cancel: [], probe: [] };
  const jobs: ProviderFake['jobs'] = new Map();
  const files = new Map<string, Buffer>([['result.mp4', Buffer.from('not really a video')]]);
  let plan: JobPlan = { pollsBeforeDone: 1, outcome: 'succeeded' };
  let base = '';
  const srv = await startHttp(async (req) => {
    const handled = await spec.extra?.(req, base);
    if (handled) return handled;
    if (req.method === 'GET' && req.path.startsWith('/files/')) {
      const f = files.get(req.path.slice('/files/'.length));
      return f ? { body: f } : { status: 404, body: { error: 'not found' } };
    }
    const path = req.path.startsWith(prefix) ? req.path.slice(prefix.length) : req.path;
    const r = spec.route(req.method, path, req.query);
    if (!r) return { status: 404, body: { error: 'no such route' } };
    const queued = faults[r.endpoint].shift();
    if (queued) return queued;
    if (!spec.authorized(req.headers)) return spec.unauthorized;
    if (r.endpoint === 'probe') return { body: spec.probe() };
    if (r.endpoint === 'submit') {
      const refused = spec.check?.(path, req);
      if (refused) return refused;
      const id = `job-${++seq}`;
      const job: FakeJob = {
        polls: 0,
        plan: { ...plan },
        canceled: false,
        submittedAt: Date.now(),
        submitted: req.body,
      };
      jobs.set(id, job);
      if (job.plan.doneAfterMs !== undefined) {
        const submitted = req.body;
        const t = setTimeout(() => {
          timers.delete(t);
          job.doneAt = Date.now();
          const cb = job.canceled
            ? undefined
            : spec.callback?.(id, job.plan.outcome, `${base}/files/result.mp4`, submitted);
          if (cb) void sendCallback(id, cb);
        }, job.plan.doneAfterMs);
        timers.add(t);
      }
      return { body: spec.created(id) };
    }
    const job = jobs.get(r.jobId ?? '');
    if (!job) return { status: 404, body: { error: 'unknown task' } };
    if (r.endpoint === 'cancel') {
      job.canceled = true;
      return spec.canceled ?? { body: {} };
    }
    job.polls++;
    const phase: Phase = job.canceled
      ? 'canceled'
      : job.plan.doneAfterMs !== undefined
        ? job.doneAt !== undefined
          ? job.plan.outcome
          : 'running'
        : job.polls < job.plan.pollsBeforeDone
          ? job.polls === 1
            ? 'pending'
            : 'running'
          : job.plan.outcome;
    return { body: spec.status(r.jobId!, phase, `${base}/files/result.mp4`) };
  });
  base = srv.url;
  async function sendCallback(jobId: string, cb: { url: string; headers: Record<string, string>; body: string }) {
    const url = opts.reach ? opts.reach(cb.url) : cb.url;
    let status: number | string;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...cb.headers },
        body: cb.body,
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer().catch(() => {});
      status = res.status;
    } catch (err) {
      status = (err as Error).message;
    }
    callbacks.push({ jobId, url: cb.url, status, at: Date.now() });
  }
  return {
    url: srv.url + prefix,
    requests: srv.requests,
    fault: (endpoint, reply, times = 1) => {
      for (let i = 0; i < times; i++) faults[endpoint].push(reply);
    },
    plan: (p) => {
      plan = { ...plan, ...p };
    },
    jobs,
    callbacks,
    files,
    close: () => {
      for (const t of timers) clearTimeout(t);
      return srv.close();
    },
  };
}
