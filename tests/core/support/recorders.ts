// In-test implementations of the ports core pushes through: a Notifier that records (and dedupes by key, as
// the real adapters do), a JobQueue that records what was enqueued (once per generation, as the real one keeps), and MagicLinks with fixed URLs.
import type { Reply, ReplyTarget } from '../../../core/model.ts';
import type { JobQueue, Notifier } from '../../../core/ports.ts';
import type { MagicLinks } from '../../../core/api.ts';

export class RecordingNotifier implements Notifier {
  readonly pushes: { target: ReplyTarget; replies: Reply[]; key?: string }[] = [];
  private readonly keys = new Set<string>();
  /** Every push, including ones a real adapter would drop as duplicates. */
  calls = 0;
  async push(target: ReplyTarget, replies: Reply[], opts?: { idempotencyKey?: string }) {
    this.calls++;
    if (opts?.idempotencyKey) {
      if (this.keys.has(opts.idempotencyKey)) return;
      this.keys.add(opts.idempotencyKey);
    }
    this.pushes.push({ target, replies, key: opts?.idempotencyKey });
  }
  finals(generationId: string) {
    return this.pushes.filter((p) => p.key === `generation:${generationId}:final`);
  }
  keysOf(generationId: string) {
    return this.pushes
      .filter((p) => JSON.stringify(p.replies).includes(generationId) || p.key?.includes(generationId))
      .flatMap((p) => p.replies.map((r) => ('message' in r ? r.message.key : r.kind)));
  }
}

export class RecordingQueue implements JobQueue {
  readonly enqueued: { id: string; priority: 'normal' | 'high' }[] = [];
  readonly canceled: string[] = [];
  /** Like the real queue (one job per generation, unique in the job store): enqueueing again is a no-op. */
  async enqueueGeneration(id: string, opts: { priority: 'normal' | 'high' }) {
    if (!this.enqueued.some((e) => e.id === id)) this.enqueued.push({ id, priority: opts.priority });
  }
  async position(id: string) {
    const open = this.enqueued.filter((e) => !this.canceled.includes(e.id));
    const i = open.findIndex((e) => e.id === id);
    return i < 0 ? null : { ahead: i, running: 0 };
  }
  async cancelGeneration(id: string) {
    this.canceled.push(id);
  }
}

export const links: MagicLinks = {
  async linkFor(userId, path) {
    return `https://vidgo.test/auth/link?u=${userId}&to=${encodeURIComponent(path)}`;
  },
  galleryUrl: (id) => `https://vidgo.test/gallery/${id}`,
};
