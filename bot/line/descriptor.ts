// LINE in the platform registry (bot/platforms.ts): on when LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN are
// set; the SDK loads only then.
import type { PlatformDescriptor } from '../platform.ts';

/** The part of the app config (app/config.ts) LINE reads. */
export interface LineConfig {
  line?: { channelSecret: string; channelAccessToken: string; apiBase: string; dataApiBase: string };
}

export const linePlatform: PlatformDescriptor<LineConfig> = {
  name: 'line',
  configured: (config) => Boolean(config.line),
  create: async (deps) => (await import('./line-platform.ts')).createLinePlatform(deps),
};
