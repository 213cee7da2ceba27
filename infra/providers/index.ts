// One VideoProvider per slot: the real client when its API key is set, else the local ffmpeg renderer under the
// slot's name (local = true), so the whole flow works offline.
import path from 'node:path';
import type { VideoProvider } from '../../core/ports.ts';
import type { ClientOptions } from './http.ts';
import { createLeonardo } from './leonardo.ts';
import { createRunway } from './runway.ts';
import { createPollo } from './pollo.ts';
import { createGoEnhance } from './goenhance.ts';
import { createLocalRenderer } from './local.ts';
import { checkedResults, fileUnder, hostAllowed } from './result-urls.ts';

export const PROVIDER_SLOTS = ['leonardo', 'runway', 'pollo', 'goenhance'] as const;
export type ProviderSlot = (typeof PROVIDER_SLOTS)[number];
export type Providers = Record<ProviderSlot, VideoProvider>;

const CLIENTS: Record<ProviderSlot, (o: ClientOptions) => VideoProvider> = {
  leonardo: createLeonardo,
  runway: createRunway,
  pollo: createPollo,
  goenhance: createGoEnhance,
};

/** One slot's client settings; mediaHosts: where its result videos may be downloaded from (result-urls.ts). */
export interface ProviderSlotSettings {
  apiKey?: string;
  baseUrl: string;
  mediaHosts: string[];
}
export type ProviderSettings = Record<ProviderSlot, ProviderSlotSettings> & {
  timeoutMs: number;
  /** Completion callbacks: Leonardo's bearer key, Pollo's signing secret, the fallback poll interval. */
  callbacks: { leonardoKey?: string; polloSecret?: string; pollMs: number };
};

export interface ProviderDeps {
  /** Where local renders are kept; default DATA_DIR/local-renders. */
  renderDir?: string;
  /** HTTP knobs for the real clients (tests: short timeouts). */
  http?: ClientOptions['http'];
  /** Per-request completion callback URL for a slot's real client (only Pollo takes one per request). */
  callbackUrl?: (slot: ProviderSlot, generationId: string) => string | undefined;
}

/** Each slot's client, or the local renderer; either way its result URLs are checked (result-urls.ts). */
export function createProviders(
  config: { providers: ProviderSettings; dataDir: string },
  deps: ProviderDeps = {},
): Providers {
  const renderDir = deps.renderDir ?? path.join(config.dataDir, 'local-renders');
  const out = {} as Providers;
  for (const slot of PROVIDER_SLOTS) {
    const { apiKey, baseUrl, mediaHosts } = config.providers[slot];
    out[slot] = apiKey
      ? checkedResults(
          CLIENTS[slot]({
            apiKey,
            baseUrl,
            http: deps.http,
            ...(deps.callbackUrl ? { callbackUrl: (id) => deps.callbackUrl!(slot, id) } : {}),
          }),
          (url) => hostAllowed(url, mediaHosts),
        )
      : checkedResults(createLocalRenderer(slot, { dir: renderDir }), (url) => fileUnder(url, renderDir));
  }
  return out;
}
