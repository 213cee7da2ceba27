// `npm run chaos -- --runs N`: the chaos acceptance (tests/chaos/chaos-world.ts) N times in a row, outside
// `npm test`; prints each run's outcome and the pass count (--logs keeps every run's logs, not only a failed
// one's). Exit code 1 when any run failed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runChaos, stopAllChaos } from '../tests/chaos/chaos-world.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1' },
    users: { type: 'string', default: '40' },
    logs: { type: 'boolean', default: false },
  },
});
const runs = Math.max(1, Number(values.runs));
// Interrupted: leave no instance, PostgreSQL cluster or redis-server behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void stopAllChaos().finally(() => process.exit(130)));
}
// A bug in the harness itself: report it, still leave nothing behind.
process.on('uncaughtException', (err) => {
  process.stderr.write(`chaos harness error: ${err.stack ?? err}\n`);
  void stopAllChaos().finally(() => process.exit(2));
});
let passed = 0;
for (let i = 1; i <= runs; i++) {
  const r = await runChaos({ users: Number(values.users), log: (l) => process.stdout.write(`  [run ${i}] ${l}\n`) });
  if (r.ok) passed++;
  const detail = r.ok
    ? ''
    : ` wrong=${JSON.stringify(r.wrong)} selfExits=${JSON.stringify(r.selfExits)} bad=${r.badLines.length} providers=${JSON.stringify(r.providers)}`;
  process.stdout.write(
    `run ${i}/${runs}: ${r.ok ? 'pass' : 'FAIL'} in ${(r.durationMs / 1000).toFixed(0)} s${detail}\n`,
  );
  if (!r.ok || values.logs) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `vidgo-chaos-run${i}-`));
    for (const [name, log] of Object.entries(r.logs))
      fs.writeFileSync(path.join(dir, `${name.replace(/\W+/g, '_')}.log`), log);
    fs.writeFileSync(path.join(dir, 'bad-lines.txt'), r.badLines.join('\n'));
    process.stdout.write(`  logs: ${dir}\n`);
  }
}
process.stdout.write(`chaos: ${passed}/${runs} runs passed\n`);
process.exit(passed === runs ? 0 : 1);
