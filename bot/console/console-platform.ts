// The console (`npm run chat`) as a PlatformAdapter: a sender and nothing to receive on the server (no inbox, no
// routes); app/chat.ts feeds it the terminal's lines. Not in bot/platforms.ts: it exists only in that process.
import type { PlatformAdapter } from '../platform.ts';
import { ConsoleAdapter, type ConsoleAdapterDeps } from './console-adapter.ts';

export function createConsolePlatform(d: ConsoleAdapterDeps): PlatformAdapter & { send(line: string): Promise<void> } {
  const adapter = new ConsoleAdapter(d);
  return { name: 'console', sender: adapter, send: (line) => adapter.send(line) };
}
