// The ends of a run. A step that wins the row's move to failed or canceled goes to that state; every finished
// state settles the money and hands the final message to delivery, both idempotent, so a resumed run entering a
// finished row does it again safely.
import type { GenerationDeps } from '../deps.ts';
import { markCanceled, markFailed, settleAndDeliver } from '../finish.ts';
import type { GenerationRow } from '../types.ts';
import type { Move, Step } from './context.ts';

export const finish: Step = async ({ d }, { gen }) => {
  await settleAndDeliver(d, gen);
  return { to: 'done', gen };
};

/** The answer to a consent question starts the run again (request.ts); nothing to do until then. */
export const awaitAnswer: Step = async (_run, { gen }) => ({ to: 'done', gen });

export async function toFailed(d: GenerationDeps, gen: GenerationRow, code: string, messageKey: string): Promise<Move> {
  const fresh = await markFailed(d, gen, code, messageKey);
  return fresh ? { to: 'failed', gen: fresh } : { to: 'done', gen };
}

export async function toCanceled(
  d: GenerationDeps,
  gen: GenerationRow,
  from: GenerationRow['status'][],
): Promise<Move> {
  const fresh = await markCanceled(d, gen, from);
  return fresh ? { to: 'canceled', gen: fresh } : { to: 'done', gen };
}
