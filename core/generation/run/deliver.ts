// The delivery job's work: a finished generation's final message sent from this process, through the claim.
import type { GenerationDeps } from '../deps.ts';
import { deliverNow } from '../finish.ts';
import { TERMINAL } from '../types.ts';

export async function deliver(
  d: GenerationDeps,
  id: string,
  opts: { resendAfterMs?: number } = {},
): Promise<'sent' | 'nothing' | 'held'> {
  const gen = await d.store.get(id);
  if (!gen || !(TERMINAL as readonly string[]).includes(gen.status) || gen.deliveredAt) return 'nothing';
  return (await deliverNow(d, gen, opts.resendAfterMs)) ? 'sent' : 'held';
}
