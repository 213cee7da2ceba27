// The Prometheus families behind core's Metrics port and the adapters' own counters, in one registry per app
// (tests run several apps in one process). Gauges that describe shared state (job queue, provider health,
// pending deliveries) are read at scrape time from the sources handed to watch(), so every instance reports
// the same truth and nothing has to be kept in step. Naming follows the Prometheus conventions cited in
// docs/operations.md: a `vidgo_` prefix, `_total` for counters, base units (`_seconds`).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CounterLabels, DurationLabels, Metrics } from '../../core/ports.ts';

/** What the gauges read when Prometheus scrapes. Each source may fail alone: its gauge is then left empty. */
export interface GaugeSources {
  /** Per job name: runnable and waiting, locked by a live worker, failed for good, retrying; oldest runnable age. */
  jobs?: () => Promise<JobStat[]>;
  /** Provider name → healthy. */
  providers?: () => Promise<Record<string, boolean>>;
}

export interface JobStat {
  name: string;
  queued: number;
  running: number;
  failed: number;
  retrying: number;
  oldestQueuedSeconds: number;
}

const COUNTERS: { [N in keyof CounterLabels]: { name: string; help: string; labels: CounterLabels[N][] } } = {
  generation_started: {
    name: 'vidgo_generations_started_total',
    help: 'Generations that reached their first provider step',
    labels: ['provider', 'tier', 'kind'],
  },
  generation_finished: {
    name: 'vidgo_generations_finished_total',
    help: 'Generations that ended (succeeded, failed, canceled, refused)',
    labels: ['provider', 'tier', 'kind', 'outcome'],
  },
  failover: {
    name: 'vidgo_failovers_total',
    help: 'Provider steps left for the next one',
    labels: ['from', 'to', 'reason'],
  },
  consent_asked: {
    name: 'vidgo_consent_asked_total',
    help: 'Consent questions asked before points were used',
    labels: ['reason'],
  },
  consent_answered: { name: 'vidgo_consent_answered_total', help: 'Consent questions answered', labels: ['choice'] },
};

const DURATIONS: {
  [N in keyof DurationLabels]: { name: string; help: string; labels: DurationLabels[N][]; buckets: number[] };
} = {
  generation_queue_wait: {
    name: 'vidgo_generation_queue_wait_seconds',
    help: 'From the request to the first provider step',
    labels: ['tier'],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800],
  },
  generation_provider: {
    name: 'vidgo_generation_provider_seconds',
    help: 'Time a provider took for one step',
    labels: ['provider', 'outcome'],
    buckets: [5, 15, 30, 60, 120, 300, 600, 1200],
  },
  generation_processing: {
    name: 'vidgo_generation_processing_seconds',
    help: 'Our processing of a provider result (download, watermark, preview, store)',
    labels: ['provider'],
    buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60],
  },
  generation_delivery: {
    name: 'vidgo_generation_delivery_seconds',
    help: 'From the end of a generation to the platform accepting its final message',
    labels: ['platform'],
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300],
  },
};

/** Six gauges read the job table: one statement per scrape, shared by the calls one scrape makes at once. */
function sharedWithinScrape<T>(source: () => Promise<T>, ms = 250): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (!last || Date.now() - last.at > ms) last = { at: Date.now(), value: source() };
    return last.value;
  };
}

export class PromMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly counters = new Map<string, Counter<string>>();
  private readonly durations = new Map<string, Histogram<string>>();
  private sources: GaugeSources = {};

  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly webhookEvents: Counter<'platform' | 'outcome'>;
  readonly paymentCallbacks: Counter<'provider' | 'outcome'>;
  readonly moderationVerdicts: Counter<'source' | 'verdict'>;
  readonly geminiFallbacks: Counter<'reason'>;
  readonly ledgerOperations: Counter<'operation' | 'outcome'>;
  readonly deliveryRetries: Counter<'platform' | 'kind'>;
  readonly pushFailures: Counter<'platform' | 'reason'>;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    for (const [key, c] of Object.entries(COUNTERS))
      this.counters.set(key, new Counter({ name: c.name, help: c.help, labelNames: c.labels, registers }));
    for (const [key, h] of Object.entries(DURATIONS))
      this.durations.set(
        key,
        new Histogram({ name: h.name, help: h.help, labelNames: h.labels, buckets: h.buckets, registers }),
      );
    this.httpRequests = new Counter({
      name: 'vidgo_http_requests_total',
      help: 'HTTP requests answered, by route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'vidgo_http_request_duration_seconds',
      help: 'HTTP answer time by route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.webhookEvents = new Counter({
      name: 'vidgo_webhook_events_total',
      help: 'Chat webhook events: accepted (new), duplicate (redelivered), bad_signature (refused requests)',
      labelNames: ['platform', 'outcome'],
      registers,
    });
    this.paymentCallbacks = new Counter({
      name: 'vidgo_payment_callbacks_total',
      help: 'Payment provider callbacks by outcome',
      labelNames: ['provider', 'outcome'],
      registers,
    });
    this.moderationVerdicts = new Counter({
      name: 'vidgo_moderation_verdicts_total',
      help: 'Moderation verdicts by who decided',
      labelNames: ['source', 'verdict'],
      registers,
    });
    this.geminiFallbacks = new Counter({
      name: 'vidgo_moderation_gemini_fallbacks_total',
      help: 'Prompts the keyword filter decided alone (Gemini absent, slow or failing)',
      labelNames: ['reason'],
      registers,
    });
    this.ledgerOperations = new Counter({
      name: 'vidgo_ledger_operations_total',
      help: 'Point reservations, commits and releases',
      labelNames: ['operation', 'outcome'],
      registers,
    });
    this.deliveryRetries = new Counter({
      name: 'vidgo_delivery_retries_total',
      help: 'Delivery attempts that failed and will be retried',
      labelNames: ['platform', 'kind'],
      registers,
    });
    this.pushFailures = new Counter({
      name: 'vidgo_chat_push_failures_total',
      help: 'Pushes a chat platform refused (quota: LINE monthly push limit)',
      labelNames: ['platform', 'reason'],
      registers,
    });

    const self = this;
    const jobGauge = (name: string, help: string, pick: (s: JobStat) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['job'],
        registers,
        async collect() {
          this.reset();
          for (const s of (await self.read(self.sources.jobs)) ?? []) this.set({ job: s.name }, pick(s));
        },
      });
    jobGauge('vidgo_job_queue_depth', 'Jobs due and waiting for a worker, per job name', (s) => s.queued);
    jobGauge(
      'vidgo_job_queue_oldest_age_seconds',
      'Age of the longest-waiting due job, per job name',
      (s) => s.oldestQueuedSeconds,
    );
    jobGauge('vidgo_jobs_running', 'Jobs locked by a live worker, per job name', (s) => s.running);
    jobGauge('vidgo_jobs_failed', 'Jobs whose retries are over, per job name', (s) => s.failed);
    jobGauge(
      'vidgo_jobs_retrying',
      'Jobs that failed and wait for their next attempt, per job name',
      (s) => s.retrying,
    );
    new Gauge({
      name: 'vidgo_deliveries_pending',
      help: 'Final messages and parked notices not yet sent, per platform',
      labelNames: ['platform', 'kind'],
      registers,
      async collect() {
        this.reset();
        for (const s of (await self.read(self.sources.jobs)) ?? []) {
          const m = /^(deliver|notify)-(.+)$/.exec(s.name);
          if (m)
            this.set(
              { platform: m[2]!, kind: m[1] === 'deliver' ? 'final' : 'notice' },
              s.queued + s.running + s.retrying,
            );
        }
      },
    });
    new Gauge({
      name: 'vidgo_provider_healthy',
      help: 'Provider health as failover sees it (1 healthy, 0 down)',
      labelNames: ['provider'],
      registers,
      async collect() {
        this.reset();
        for (const [provider, up] of Object.entries((await self.read(self.sources.providers)) ?? {}))
          this.set({ provider }, up ? 1 : 0);
      },
    });
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'vidgo_' });
  }

  count<N extends keyof CounterLabels>(name: N, labels: Record<CounterLabels[N], string>, by = 1): void {
    this.counters.get(name)!.inc(labels, by);
  }

  observe<N extends keyof DurationLabels>(name: N, seconds: number, labels: Record<DurationLabels[N], string>): void {
    if (Number.isFinite(seconds) && seconds >= 0) this.durations.get(name)!.observe(labels, seconds);
  }

  /** The scrape-time sources; set once the parts they read are wired. */
  watch(sources: GaugeSources): void {
    this.sources = { ...this.sources, ...sources, ...(sources.jobs ? { jobs: sharedWithinScrape(sources.jobs) } : {}) };
  }

  /** A failing source leaves its gauge empty for this scrape; the rest of the page is still served. */
  private async read<T>(source: (() => Promise<T>) | undefined): Promise<T | undefined> {
    if (!source) return undefined;
    try {
      return await source();
    } catch {
      return undefined;
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
