// The chaos acceptance, once per `npm test` (`npm run chaos -- --runs 10` repeats it outside the suite): 40 LINE
// users on two instances through an instance SIGKILL, a PostgreSQL restart and a Redis wipe each get exactly one
// video, and no instance ends by itself. See chaos-world.ts for the set-up.
import { describe, expect, it } from 'vitest';
import { runChaos } from './chaos-world.ts';

describe('two instances through faults', () => {
  it(
    '40 users each get exactly one video; no instance exits by itself',
    async () => {
      const r = await runChaos({ log: (l) => process.stdout.write(`chaos: ${l}\n`) });
      if (!r.ok) {
        for (const [name, log] of Object.entries(r.logs))
          process.stdout.write(`\n----- ${name}\n${log.split('\n').slice(-80).join('\n')}\n`);
      }
      expect(r.faults).toHaveLength(3);
      expect(r.wrong).toEqual({});
      expect(r.selfExits).toEqual({});
      expect(r.badLines).toEqual([]);
      expect(r.providers).toEqual({ leonardo: 40 }); // every video from the provider route, none from a failover
    },
    15 * 60_000,
  );
});
