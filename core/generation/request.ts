// A new request: ban → moderation → tier → route → consent before money → reserve → store → enqueue → "queued".
// And the user's answer to a consent question.
import type { Reply, Resolution } from '../model.ts';
import type { Account, GenerationOutcome, GenerationRequest, PlanFeatures } from '../api.ts';
import { matchDemo } from '../demo/library.ts';
import { msg, type GenerationRow, type NewGeneration, type RouteStep } from './types.ts';
import {
  consentQuestion,
  countConsentAsked,
  ensureReservation,
  estimateMinutes,
  plansChoice,
  text,
  type GenerationDeps,
} from './deps.ts';
import { cancelGeneration, receipt } from './finish.ts';
import { payingStep, planTwoStage, styleIndex } from './two-stage.ts';
import { moderatePhoto } from '../photos/moderate-photo.ts';
import { DEFAULT_MOTION_PROMPT } from '../photos/motion-prompt.ts';
import { checkRequest, isDemoOnly, maxConcurrent, queuePriority } from '../tiers/features.ts';

/** An answer about no generation (refused, over a limit, nothing to act on). */
const only = (...replies: Reply[]): GenerationOutcome => ({ replies });
const about = (gen: GenerationRow, replies: Reply[]): GenerationOutcome => ({ replies, generationId: gen.id });

export async function requestGeneration(
  d: GenerationDeps,
  account: Account,
  req: GenerationRequest,
): Promise<GenerationOutcome> {
  // The same chat event handled again (a redelivered webhook after a crash): answer about the generation it made.
  const earlier = req.requestKey ? await d.store.byRequestKey(req.requestKey) : null;
  if (earlier) return answerAgain(d, earlier);
  if (account.banned || (await d.moderation.isBanned(account.userId))) return only(text('core.banned'));
  // A photo sent without words moves gently (the default motion prompt).
  const prompt = req.prompt.trim() || (req.kind === 'image' ? DEFAULT_MOTION_PROMPT : '');
  if (!prompt && req.kind === 'video') return only(text('core.prompt_missing'));
  if (req.kind === 'image' && !req.sourceImage) return only(text('core.source_missing'));

  const checked = [prompt, req.style].filter(Boolean).join(' ');
  if (checked) {
    const verdict = await d.moderator.check(checked);
    const { banned } = await d.moderation.record(account.userId, checked, verdict);
    if (!verdict.allowed) {
      // One refusal text per category whoever refused (Gemini or the keyword filter); never the internal reason.
      const refusal = text(`moderation.refused.${verdict.category ?? 'other'}`, undefined, [
        { label: msg('moderation.appeal_button'), command: '/appeal' },
      ]);
      return banned ? only(refusal, text('core.banned_now')) : only(refusal);
    }
  }
  if (req.kind === 'image' && req.sourceImage) {
    const refused = await moderatePhoto(d, account.userId, req.sourceImage, prompt);
    if (refused) return only(...refused);
  }

  const features = await d.tiers.features(account.tier);
  const maxOpen = maxConcurrent(features);
  if ((await d.store.countOpen(account.userId)) >= maxOpen) {
    // The open one may be this very request, made by a copy of it running at the same time: answer about that.
    const raced = req.requestKey ? await d.store.byRequestKey(req.requestKey) : null;
    if (raced) return answerAgain(d, raced);
    return only(text('core.tier.concurrency', { max: maxOpen }));
  }
  if (isDemoOnly(features)) {
    // A Demo user's photo is animated by the local renderer only (never a paid provider), watermarked like a demo.
    if (req.kind === 'image' && req.sourceImage) return queueLocalPhoto(d, account, prompt, req, maxOpen);
    if (req.kind !== 'video') return only(text('core.tier.demo_only', undefined, [await plansChoice(d, account)]));
    return queueDemo(d, account, prompt, maxOpen, req.requestKey);
  }

  const resolution: Resolution = req.resolution ?? (req.kind === 'upscale' ? '4k' : '720p');
  const tier = checkRequest(features, { kind: req.kind, resolution });
  if (!tier.ok) {
    const plans = [await plansChoice(d, account)];
    if (tier.reason === 'style_not_in_plan') return only(text('core.tier.style', undefined, plans));
    // An upscale is always to 4K, whatever resolution was asked for.
    const asked = req.kind === 'upscale' ? '4k' : resolution;
    return only(text('core.tier.resolution', { resolution: asked, max: features.max_resolution }, plans));
  }

  // "/style anime a cat surfing" with no replied video: the clip is made from the prompt first (two-stage.ts).
  const twoStage = req.kind === 'style' && !req.sourceGenerationId && Boolean(prompt);
  let sourceGenerationId: string | undefined;
  if (req.kind !== 'video' && req.kind !== 'image' && !twoStage) {
    const src = req.sourceGenerationId
      ? await d.store.get(req.sourceGenerationId)
      : await d.store.lastFinished(account.userId);
    if (!src || src.userId !== account.userId || src.status !== 'succeeded') return only(text('core.source_missing'));
    sourceGenerationId = src.id;
  }

  const route = twoStage
    ? await planTwoStage(d, features, resolution)
    : await d.router.plan({ kind: req.kind, resolution, features });
  const first = route[0];
  if (!first) return only(await busy(d, account, twoStage ? 'video' : req.kind, null));
  // The step that carries the request's one charge (a two-stage style's style step): asked and held up front.
  const pay = twoStage ? route[styleIndex(route)]! : first;
  if (pay.charged) {
    const balance = await d.ledger.balance(account.userId);
    if (balance.total < pay.cost) return only(await busy(d, account, req.kind, pay));
  }

  const gen = await d.store.insert(
    {
      userId: account.userId,
      chatIdentityId: account.identityId,
      replyTarget: account.target,
      kind: req.kind,
      prompt,
      style: req.style ?? null,
      sourceGenerationId: sourceGenerationId ?? null,
      resolution,
      fps: Math.min(30, features.max_fps),
      status: pay.charged && !account.autoPay ? 'awaiting_consent' : 'queued',
      route,
      priority: queuePriority(features),
      deadlineAt: new Date(d.clock.now().getTime() + d.settings.stuckAfterMs),
      ...(req.requestKey ? { requestKey: req.requestKey } : {}),
      ...(req.sourceImage ? { sourceImage: req.sourceImage } : {}),
      ...(req.parent ? { parentId: req.parent.id, action: req.parent.action } : {}),
      ...(req.seed !== undefined ? { seed: req.seed } : {}),
    },
    { maxOpen },
  );
  if (!gen) return notInserted(d, req.requestKey, maxOpen);
  if (gen.status === 'awaiting_consent') {
    countConsentAsked(d, pay);
    return about(gen, [await consentQuestion(d, gen, pay)]);
  }
  return about(gen, await reserveAndEnqueue(d, account, gen, features));
}

async function reserveAndEnqueue(
  d: GenerationDeps,
  account: Account,
  gen: GenerationRow,
  features: PlanFeatures,
): Promise<Reply[]> {
  const { step, index } = payingStep(gen);
  if (!step) return [text('core.consent.not_pending')];
  const reserved = await ensureReservation(d, gen, step, index);
  if (reserved === 'needs_consent') {
    await d.store.transition(gen.id, ['queued'], { status: 'awaiting_consent' });
    countConsentAsked(d, step);
    return [await consentQuestion(d, gen, step)];
  }
  if (reserved === 'no_points') {
    await cancelGeneration(d, gen, ['queued', 'awaiting_consent'], false);
    return [await busy(d, account, gen.kind, step)];
  }
  await d.jobs.enqueueGeneration(gen.id, { priority: queuePriority(features) });
  const pos = await d.jobs.position(gen.id);
  const ahead = pos?.ahead ?? 0;
  const replies: Reply[] = [
    text('core.queued', { position: ahead + 1, minutes: await estimateMinutes(d, ahead, step.provider) }),
  ];
  if (step.charged) replies.push(text('core.reserved', { points: step.cost }));
  return replies;
}

/** Nothing free can serve and points cannot cover it: "busy, try later or top up" (or "not enough points" for a paid feature). */
async function busy(
  d: GenerationDeps,
  account: Account,
  kind: GenerationRow['kind'],
  step: RouteStep | null,
): Promise<Reply> {
  const balance = (await d.ledger.balance(account.userId)).total;
  const failover =
    (kind === 'video' || kind === 'image') && (!step || step.provider === 'pollo' || step.provider === 'goenhance');
  const choices = [await plansChoice(d, account)];
  return {
    kind: 'text',
    message: msg(failover ? 'core.busy' : 'core.points.insufficient', { cost: step?.cost ?? 0, balance }),
    choices,
    personal: true,
  };
}

/** What a repeated request hears, about the generation the first one made: the open question, its place in the queue, or how it ended. Nothing is charged. */
async function answerAgain(d: GenerationDeps, gen: GenerationRow): Promise<GenerationOutcome> {
  const step = payingStep(gen).step;
  if (gen.status === 'awaiting_consent' && step) return about(gen, [await consentQuestion(d, gen, step)]);
  if (gen.status === 'queued' || gen.status === 'running') {
    // The first handling may have died between storing the row and enqueueing its job (a lost database
    // connection): enqueue again, which is a no-op when the job exists.
    await d.jobs.enqueueGeneration(gen.id, { priority: gen.priority });
    const ahead = (await d.jobs.position(gen.id))?.ahead ?? 0;
    return about(gen, [
      text('core.queued', { position: ahead + 1, minutes: await estimateMinutes(d, ahead, step?.provider) }),
    ]);
  }
  return about(gen, [await receipt(d, gen)]);
}

/** The insert wrote nothing: this very request was made already (answer about it), or the cap was reached meanwhile. */
async function notInserted(d: GenerationDeps, requestKey: string | undefined, max: number): Promise<GenerationOutcome> {
  const earlier = requestKey ? await d.store.byRequestKey(requestKey) : null;
  return earlier ? answerAgain(d, earlier) : only(text('core.tier.concurrency', { max }));
}

/**
 * A free clip from the local renderer (a Demo user's prompt or photo): queued at normal priority within the open
 * cap; `answer` says what was queued.
 */
async function queueLocal(
  d: GenerationDeps,
  account: Account,
  fields: Pick<NewGeneration, 'kind' | 'prompt'> & Partial<Pick<NewGeneration, 'demoSlug' | 'sourceImage'>>,
  maxOpen: number,
  requestKey: string | undefined,
  answer: (gen: GenerationRow) => Promise<Reply[]>,
): Promise<GenerationOutcome> {
  const gen = await d.store.insert(
    {
      userId: account.userId,
      chatIdentityId: account.identityId,
      replyTarget: account.target,
      ...fields,
      resolution: '720p',
      fps: 30,
      status: 'queued',
      route: [{ provider: 'local', charged: false, cost: 0, pool: 'pollo' }],
      priority: 'normal',
      deadlineAt: new Date(d.clock.now().getTime() + d.settings.stuckAfterMs),
      ...(requestKey ? { requestKey } : {}),
    },
    { maxOpen },
  );
  if (!gen) return notInserted(d, requestKey, maxOpen);
  await d.jobs.enqueueGeneration(gen.id, { priority: 'normal' });
  return about(gen, await answer(gen));
}

function queueDemo(
  d: GenerationDeps,
  account: Account,
  prompt: string,
  maxOpen: number,
  requestKey?: string,
): Promise<GenerationOutcome> {
  const entry = matchDemo(prompt, account.locale);
  return queueLocal(d, account, { kind: 'demo', prompt, demoSlug: entry.slug }, maxOpen, requestKey, async () => [
    text('core.demo.queued'),
    text(`core.demo.topic.${entry.slug}`),
  ]);
}

function queueLocalPhoto(
  d: GenerationDeps,
  account: Account,
  prompt: string,
  req: GenerationRequest,
  maxOpen: number,
): Promise<GenerationOutcome> {
  return queueLocal(
    d,
    account,
    { kind: 'image', prompt, sourceImage: req.sourceImage! },
    maxOpen,
    req.requestKey,
    async (gen) => {
      const ahead = (await d.jobs.position(gen.id))?.ahead ?? 0;
      return [text('core.queued', { position: ahead + 1, minutes: await estimateMinutes(d, ahead, 'local') })];
    },
  );
}

export async function answerConsent(
  d: GenerationDeps,
  account: Account,
  id: string,
  choice: 'points' | 'wait' | 'cancel',
): Promise<GenerationOutcome> {
  const gen = await d.store.get(id);
  if (!gen || gen.userId !== account.userId) return only(text('core.consent.not_pending'));
  return about(gen, await consentReplies(d, account, gen, choice));
}

async function consentReplies(
  d: GenerationDeps,
  account: Account,
  gen: GenerationRow,
  choice: 'points' | 'wait' | 'cancel',
): Promise<Reply[]> {
  if (gen.status !== 'awaiting_consent') return [text('core.consent.not_pending')];
  d.metrics?.count('consent_answered', { choice });
  const features = await d.tiers.features(account.tier);
  if (choice === 'cancel') {
    const done = await cancelGeneration(d, gen, ['awaiting_consent'], false);
    return done ? [text('core.canceled'), await receipt(d, done)] : [text('core.consent.not_pending')];
  }
  if (choice === 'wait') {
    // Only the unlimited providers, whatever their health now: the run retries them until the deadline.
    const route = await d.router.plan({ kind: gen.kind, resolution: gen.resolution, features, freeOnly: true });
    if (!route.length)
      return [text('core.consent.wait_unavailable'), await consentQuestion(d, gen, payingStep(gen).step!)];
    if (
      !(await d.store.transition(gen.id, ['awaiting_consent'], {
        status: 'queued',
        consent: 'wait',
        stepIndex: 0,
        route,
      }))
    )
      return [text('core.consent.not_pending')];
    await d.jobs.enqueueGeneration(gen.id, { priority: queuePriority(features) });
    return [text('core.consent.waiting')];
  }
  if (!(await d.store.transition(gen.id, ['awaiting_consent'], { status: 'queued', consent: 'points' })))
    return [text('core.consent.not_pending')];
  return reserveAndEnqueue(d, account, (await d.store.get(gen.id))!, features);
}
