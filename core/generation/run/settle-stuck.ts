// Generations open past their deadline (a run that died and was never resumed): the provider job canceled, the
// row failed once, the points released and the user told.
import type { GenerationDeps } from '../deps.ts';
import { failGeneration } from '../finish.ts';

export async function settleStuck(d: GenerationDeps, now: Date): Promise<number> {
  let n = 0;
  for (const id of await d.store.stuckIds(now)) {
    const gen = await d.store.get(id);
    if (!gen) continue;
    if (gen.providerJobId && gen.provider)
      await d.providers[gen.provider]?.cancel({ provider: gen.provider, jobId: gen.providerJobId }).catch(() => {});
    if (await failGeneration(d, gen, 'stuck', 'core.failed.timeout')) n++;
  }
  return n;
}
