// The user's own generations: cancel, status, history, and the gallery views.
import type { Reply } from '../model.ts';
import type { Account, GenerationView } from '../api.ts';
import { OPEN, type GenerationRow } from './types.ts';
import { estimateMinutes, text, type GenerationDeps } from './deps.ts';
import { cancelGeneration, receipt } from './finish.ts';

export async function cancel(d: GenerationDeps, account: Account, id?: string): Promise<Reply[]> {
  const open = await d.store.openForUser(account.userId);
  const gen = id ? open.find((g) => g.id === id || g.id.startsWith(id)) : open[open.length - 1];
  if (!gen) return [text('core.cancel.nothing')];
  if (gen.status !== 'running' || !gen.providerJobId) {
    // Not at a provider yet: stop it and hand the points back now.
    const done = await cancelGeneration(
      d,
      gen,
      gen.status === 'running' ? ['running'] : ['awaiting_consent', 'queued'],
      false,
    );
    if (done) {
      await d.jobs
        .cancelGeneration(gen.id)
        .catch((err) => d.log.warn({ err: String(err), id: gen.id }, 'dequeue failed'));
      return [text('core.canceled'), await receipt(d, done)];
    }
  }
  // At a provider: ask it to stop; the points come back when it confirms or the job ends.
  await d.store.update(gen.id, { cancelRequestedAt: d.clock.now() });
  const fresh = (await d.store.get(gen.id))!;
  const provider = fresh.provider ? d.providers[fresh.provider] : undefined;
  if (fresh.status === 'running' && fresh.providerJobId && provider) {
    try {
      await provider.cancel({ provider: provider.name, jobId: fresh.providerJobId });
      const done = await cancelGeneration(d, fresh, ['running'], false);
      if (done) return [text('core.canceled'), await receipt(d, done)];
      // The run saw the request first and settled it; its final message is the user's answer.
      if ((await d.store.get(gen.id))?.status === 'canceled') return [];
    } catch (err) {
      d.log.warn({ err: String(err), id: gen.id }, 'provider cancel failed; the run settles it');
    }
  }
  return [text('core.cancel.requested')];
}

export async function status(d: GenerationDeps, account: Account): Promise<Reply[]> {
  const open = await d.store.openForUser(account.userId);
  // Finished but not yet in the chat (the platform unreachable from every running instance): said, not hidden.
  const waiting = await d.store.undeliveredForUser(account.userId);
  if (!open.length && !waiting.length) return [text('core.status.none')];
  const out: Reply[] = waiting.map((g) => text('core.status.undelivered', { id: g.id.slice(0, 8) }));
  for (const g of open) {
    const short = g.id.slice(0, 8);
    if (g.status === 'awaiting_consent') out.push(text('core.status.awaiting_consent', { id: short }));
    else if (g.status === 'running') out.push(text('core.status.running', { id: short, percent: g.progress }));
    else {
      const pos = await d.jobs.position(g.id);
      const ahead = pos?.ahead ?? 0;
      out.push(
        text('core.status.queued', {
          id: short,
          position: ahead + 1,
          minutes: await estimateMinutes(d, ahead, g.route[g.stepIndex]?.provider),
        }),
      );
    }
  }
  return out;
}

export async function history(d: GenerationDeps, account: Account, limit = 5): Promise<Reply[]> {
  const { items } = await d.store.listForUser(account.userId, Math.min(Math.max(1, limit), 20), 0);
  if (!items.length) return [text('core.history.empty')];
  // "ready, not yet delivered" until the platform accepted the video.
  const shown = (g: GenerationRow) => (g.status === 'succeeded' && !g.deliveredAt ? 'undelivered' : g.status);
  return items.map((g) =>
    text(`core.history.${shown(g)}`, {
      date: g.createdAt.toISOString().slice(0, 10),
      prompt: g.prompt.length > 40 ? `${g.prompt.slice(0, 39)}…` : g.prompt,
      cost: g.status === 'succeeded' ? g.pointsCost : 0,
      id: g.id.slice(0, 8),
    }),
  );
}

/**
 * A generation as the gallery shows it. Media only for a succeeded one (a failed or refused row may still hold a
 * stray key from a stage that ran). `cleanUrl` says a clean master exists and the tier may have it; it is a
 * short-lived signed URL of it (a master never has a public one), which the web layer replaces with its own
 * owner-checked download route (web/routes/api.ts).
 *
 * Smart Demo clips: the master is the SHARED library file (`demo/<slug>/master.mp4`), not a per-user copy. An
 * upgraded user still gets it clean for their past demo videos — the issue promises clean copies of "past videos",
 * the clip is what they were delivered, and it holds nothing personal (the renderer draws the library entry's own
 * text, never the user's prompt). Privacy holds because the only way to it is the owner-checked route for a
 * generation of theirs; its shared key is never public and a Demo user gets no clean URL at all.
 */
export async function toView(d: GenerationDeps, g: GenerationRow, tierIsDemo: boolean): Promise<GenerationView> {
  const url = (key: string | null) => (key ? d.mediaStore.publicUrl(key) : Promise.resolve(null));
  const done = g.status === 'succeeded';
  return {
    id: g.id,
    kind: g.kind,
    prompt: g.prompt,
    style: g.style,
    status: g.status,
    stage: g.stage,
    progress: g.progress,
    provider: g.provider,
    resolution: g.resolution,
    pointsCost: done ? g.pointsCost : 0,
    videoUrl: done ? await url(g.mediaKey) : null,
    previewUrl: done ? await url(g.previewKey) : null,
    cleanUrl:
      done && g.masterKey && !tierIsDemo && (await d.mediaStore.exists(g.masterKey))
        ? await d.mediaStore.signedUrl(g.masterKey, 300)
        : null,
    errorMessage: g.errorMessage ? { key: g.errorMessage } : null,
    createdAt: g.createdAt,
    completedAt: g.completedAt,
    delivered: !done || g.deliveredAt !== null,
    parentId: g.parentId,
    action: g.action,
  };
}

export async function list(d: GenerationDeps, userId: string, opts: { limit: number; offset: number }) {
  const { items, total } = await d.store.listForUser(
    userId,
    Math.min(Math.max(1, opts.limit), 100),
    Math.max(0, opts.offset),
  );
  const demo = (await d.tiers.tierOf(userId)) === 'demo';
  return { items: await Promise.all(items.map((g) => toView(d, g, demo))), total };
}

export async function get(d: GenerationDeps, userId: string, id: string): Promise<GenerationView | null> {
  const g = await d.store.get(id).catch(() => null); // a malformed id is simply not found
  if (!g || g.userId !== userId) return null;
  return toView(d, g, (await d.tiers.tierOf(userId)) === 'demo');
}

export const isOpen = (g: GenerationRow) => OPEN.includes(g.status);
