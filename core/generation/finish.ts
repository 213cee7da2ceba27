// The ends of a generation: money settled (commit on success, release otherwise) and one final message with a
// receipt. Each step is idempotent, so a resumed run may call any of them again.
import type { Reply } from '../model.ts';
import { LedgerError } from '../ledger/errors.ts';
import { msg, type GenerationRow } from './types.ts';
import { text, type GenerationDeps } from './deps.ts';
import { resultChoices } from './actions.ts';

/**
 * "Charged 10 pts (monthly) · balance 90" or "Not charged · balance 90". The balance is personal: for a generation
 * asked for in a group the receipt leaves it out ("Charged 10 pts (monthly)") and stays with the video.
 */
export async function receipt(d: GenerationDeps, gen: GenerationRow): Promise<Reply> {
  const shared = gen.replyTarget?.conversation === 'group';
  const area = shared ? 'core.receipt_shared' : 'core.receipt';
  const balance = shared ? 0 : (await d.ledger.balance(gen.userId)).total;
  const split = gen.chargeSplit ?? {};
  const charged = Object.values(split).reduce((a, b) => a + (b ?? 0), 0);
  const mine = (r: Reply): Reply => (shared ? r : ({ ...r, personal: true } as Reply));
  if (gen.status !== 'succeeded' || charged === 0)
    return mine(text(`${area}.not_charged`, shared ? undefined : { balance }));
  const monthly = (split.monthly_pollo ?? 0) + (split.monthly_goenhance ?? 0);
  const purchased = split.purchased ?? 0;
  const key = monthly && purchased ? 'charged_mixed' : monthly ? 'charged_monthly' : 'charged_purchased';
  return mine(text(`${area}.${key}`, { points: charged, monthly, purchased, ...(shared ? {} : { balance }) }));
}

/** Re-applies the money outcome of a finished row (safe to repeat: the ledger is idempotent per reservation). */
export async function settleMoney(d: GenerationDeps, gen: GenerationRow): Promise<void> {
  if (!gen.reservationId) return;
  if (gen.status === 'succeeded') {
    if (gen.chargeSplit) return;
    let split: GenerationRow['chargeSplit'];
    try {
      split = (await d.charger.commit(gen.reservationId)).split;
    } catch (err) {
      // The hold expired and the cleanup gave the points back first: the video is free, never charged twice.
      if (!(err instanceof LedgerError && err.code === 'already_released')) throw err;
      d.log.warn({ id: gen.id, reservationId: gen.reservationId }, 'reservation released before commit; not charged');
      split = {};
    }
    gen.chargeSplit = split;
    await d.store.update(gen.id, { chargeSplit: split });
  } else if (gen.status === 'failed' || gen.status === 'canceled') {
    try {
      await d.charger.release(gen.reservationId, gen.status === 'failed' ? 'generation_failed' : 'generation_canceled');
    } catch (err) {
      if (!(err instanceof LedgerError && err.code === 'already_committed')) throw err;
      d.log.warn(
        { id: gen.id, reservationId: gen.reservationId },
        'reservation of an unfinished generation was committed',
      );
    }
  }
}

async function finalReplies(d: GenerationDeps, gen: GenerationRow): Promise<Reply[]> {
  const rec = await receipt(d, gen);
  if (gen.status === 'succeeded' && gen.mediaKey) {
    const local = d.providers[gen.provider ?? 'local']?.local ?? gen.provider === 'local';
    const caption =
      gen.kind === 'demo'
        ? msg('core.done.caption_demo')
        : local
          ? msg('core.done.caption_local')
          : msg('core.done.caption', { provider: gen.provider ?? '' });
    const choices =
      gen.kind === 'demo'
        ? [{ label: msg('core.choice.plans'), command: '/plans', url: await d.links.linkFor(gen.userId, '/plans') }]
        : d.actionTokens
          ? await resultChoices(d.actionTokens, gen)
          : undefined;
    // A two-stage style whose style stage failed delivers its base clip: the note says why it is unstyled.
    const note = gen.errorCode && gen.errorMessage ? [text(gen.errorMessage)] : [];
    return [
      ...note,
      {
        kind: 'video',
        generationId: gen.id,
        videoUrl: await d.mediaStore.publicUrl(gen.mediaKey),
        previewUrl: gen.previewKey ? await d.mediaStore.publicUrl(gen.previewKey) : '',
        sizeBytes: gen.sizeBytes ?? 0,
        ...(d.localFile ? { localPath: d.localFile(gen.mediaKey) } : {}),
        caption,
        galleryUrl: d.links.galleryUrl(gen.id),
        ...(choices ? { choices } : {}),
      },
      rec,
    ];
  }
  if (gen.status === 'canceled') return [text('core.canceled'), rec];
  return [text(gen.errorMessage ?? 'core.failed.generic'), rec];
}

/**
 * Hands a finished generation's final message to delivery: durably queued for a process that can reach the
 * user's platform (d.deliveries), or pushed now when there is no queue. Safe to call again.
 */
export async function deliverFinal(d: GenerationDeps, gen: GenerationRow): Promise<boolean> {
  if (!d.deliveries) return deliverNow(d, gen);
  if (gen.deliveredAt) return false;
  await d.deliveries.scheduleFinal(gen.id, gen.replyTarget.platform);
  return true;
}

/**
 * Claims the one final message, pushes it, confirms it; a failed push hands the claim back so a retry can send
 * it. resendAfterMs: the platform deduplicates by our idempotency key (LINE's retry key), so a claim whose sender
 * died before confirming may be taken again after that long and the message resent safely. False when another
 * sender holds or finished it.
 */
export async function deliverNow(d: GenerationDeps, gen: GenerationRow, resendAfterMs?: number): Promise<boolean> {
  if (!(await d.store.claimDelivery(gen.id, d.clock.now(), resendAfterMs))) return false;
  try {
    await d.notifier.push(gen.replyTarget, await finalReplies(d, gen), {
      idempotencyKey: `generation:${gen.id}:final`,
      claimed: true,
    });
  } catch (err) {
    await d.store.unclaimDelivery(gen.id);
    throw err;
  }
  await d.store.confirmDelivery(gen.id, d.clock.now());
  return true;
}

/** Settles the money of a finished row and hands its final message to delivery (both safe to repeat). */
export async function settleAndDeliver(d: GenerationDeps, gen: GenerationRow): Promise<void> {
  await settleMoney(d, gen);
  await deliverFinal(d, gen);
}

/** Moves an open generation to failed once: the fresh row when this call won, else null (someone else ended it). */
export async function markFailed(
  d: GenerationDeps,
  gen: GenerationRow,
  code: string,
  messageKey: string,
): Promise<GenerationRow | null> {
  const won = await d.store.transition(gen.id, ['awaiting_consent', 'queued', 'running'], {
    status: 'failed',
    errorCode: code,
    errorMessage: messageKey,
    completedAt: d.clock.now(),
    stage: 'failed',
  });
  return won ? (await d.store.get(gen.id))! : null;
}

/** Moves a generation from one of `from` to canceled once: the fresh row when this call won, else null. */
export async function markCanceled(
  d: GenerationDeps,
  gen: GenerationRow,
  from: GenerationRow['status'][],
): Promise<GenerationRow | null> {
  const won = await d.store.transition(gen.id, from, {
    status: 'canceled',
    completedAt: d.clock.now(),
    stage: 'canceled',
  });
  return won ? (await d.store.get(gen.id))! : null;
}

/** Fails an open generation once (whoever wins the status change releases the points and tells the user). */
export async function failGeneration(
  d: GenerationDeps,
  gen: GenerationRow,
  code: string,
  messageKey: string,
): Promise<boolean> {
  const fresh = await markFailed(d, gen, code, messageKey);
  if (!fresh) return false;
  await settleAndDeliver(d, fresh);
  return true;
}

export async function cancelGeneration(
  d: GenerationDeps,
  gen: GenerationRow,
  from: GenerationRow['status'][],
  deliver: boolean,
): Promise<GenerationRow | null> {
  const fresh = await markCanceled(d, gen, from);
  if (!fresh) return null;
  await settleMoney(d, fresh);
  // The user who canceled gets the answer in the reply; the claim keeps the runner from sending another.
  if (deliver) await deliverFinal(d, fresh);
  else if (await d.store.claimDelivery(gen.id, d.clock.now())) await d.store.confirmDelivery(gen.id, d.clock.now());
  return fresh;
}
