// A VideoProvider double whose behaviour each test scripts: succeed, fail at submit, fail mid-job, or hang.
// Real HTTP clients are infra/providers' (tested against fake servers in tests/providers); this only drives core.
import {
  ProviderError,
  type ProviderJob,
  type ProviderJobState,
  type VideoProvider,
  type VideoRequest,
} from '../../../core/ports.ts';
import type { ProviderName } from '../../../core/model.ts';

export type Script = 'ok' | 'submit_fails' | 'job_fails' | 'hang';

export class ScriptedProvider implements VideoProvider {
  script: Script = 'ok';
  /** Polls before a job succeeds (progress is reported meanwhile). */
  pollsToFinish = 2;
  readonly submissions: VideoRequest[] = [];
  readonly cancels: string[] = [];
  private readonly polls = new Map<string, number>();
  private seq = 0;

  constructor(
    readonly name: ProviderName,
    private readonly videoUrl: () => string,
  ) {}

  async submit(req: VideoRequest): Promise<ProviderJob> {
    if (this.script === 'submit_fails') throw new ProviderError(this.name, 'server_error', `${this.name}: 503`, true);
    this.submissions.push(req);
    return { provider: this.name, jobId: `${this.name}-job-${++this.seq}` };
  }

  async poll(job: ProviderJob): Promise<ProviderJobState> {
    if (this.cancels.includes(job.jobId))
      return { state: 'failed', error: new ProviderError(this.name, 'canceled', 'canceled', false) };
    const n = (this.polls.get(job.jobId) ?? 0) + 1;
    this.polls.set(job.jobId, n);
    if (this.script === 'job_fails')
      return { state: 'failed', error: new ProviderError(this.name, 'job_failed', `${this.name}: job failed`, true) };
    if (this.script === 'hang' || n < this.pollsToFinish) return { state: 'running', progress: Math.min(90, n * 30) };
    return { state: 'succeeded', videoUrl: this.videoUrl() };
  }

  async cancel(job: ProviderJob): Promise<void> {
    this.cancels.push(job.jobId);
  }

  async probe(): Promise<boolean> {
    return this.script === 'ok';
  }
}

/** Fails the next `n` polls with a retriable network error, then behaves as scripted. */
export function flakyPolls(p: ScriptedProvider, n: number): void {
  const poll = p.poll.bind(p);
  let left = n;
  p.poll = async (job) => {
    if (left-- > 0) throw new ProviderError(p.name, 'network', 'socket hang up', true);
    return poll(job);
  };
}
