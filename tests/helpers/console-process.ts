// `npm run chat` as a child process (app/chat.ts through tsx), with its output collected and awaited by pattern.
import { spawn } from 'node:child_process';

export type ConsoleProcess = ReturnType<typeof startConsole>;

export function startConsole(env: Record<string, string>) {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'app/chat.ts'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return {
    proc,
    exited,
    output: () => out,
    /** The first match of `re` in everything printed so far, waiting up to `ms`; throws with the output otherwise. */
    async waitFor(re: RegExp, what: string, ms = 120_000) {
      const end = Date.now() + ms;
      while (!re.test(out) && Date.now() < end && proc.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      if (!re.test(out)) throw new Error(`no ${what} in the console output:\n${out}`);
      return re.exec(out)!;
    },
  };
}
