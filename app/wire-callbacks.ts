// Provider completion callbacks: which providers call us back, the URL each job registers, the routes that
// receive them and the hub that wakes the waiting run (on any instance). Called from app/compose.ts.
import type { Server } from '@hapi/hapi';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { ProviderName } from '../core/model.ts';
import {
  CALLBACK_PATHS,
  callbackToken,
  callbackTokenKey,
  generationOfToken,
  leonardoBearerValid,
  polloSignatureValid,
} from '../infra/providers/callbacks.ts';
import { CompletionHub, generationKey, jobKey } from '../infra/providers/completion-signals.ts';
import type { ProviderSlot } from '../infra/providers/index.ts';
import { callbackRoutes, type CallbackRouteDeps } from '../web/routes/callbacks.ts';

/**
 * The callback routes' checks: `tokenKey` keys the per-generation tokens in Pollo's webhookUrl; with `polloSecret`
 * Pollo's signature is required as well; without `leonardoKey` the Leonardo route is not offered.
 */
export function callbackRouteDeps(o: {
  tokenKey: Buffer;
  polloSecret?: string;
  leonardoKey?: string;
  signals: { wake(key: string): Promise<void> };
  log: CallbackRouteDeps['log'];
}): CallbackRouteDeps {
  const { leonardoKey, polloSecret } = o;
  return {
    paths: CALLBACK_PATHS,
    polloGeneration: (token, headers, raw) => {
      const id = generationOfToken(o.tokenKey, token);
      return id && (!polloSecret || polloSignatureValid(polloSecret, headers, raw)) ? id : null;
    },
    ...(leonardoKey ? { leonardoBearerValid: (auth: string) => leonardoBearerValid(leonardoKey, auth) } : {}),
    wakeGeneration: (id) => o.signals.wake(generationKey(id)),
    wakeJob: (provider, id) => o.signals.wake(jobKey(provider, id)),
    log: o.log,
  };
}

export interface CallbackWiring {
  hub: CompletionHub;
  /** The URL a job registers with its provider, when that provider takes one per request. */
  callbackUrl(slot: ProviderSlot, generationId: string): string | undefined;
  routes(server: Server): void;
}

export function wireCallbacks(config: Config, log: Logger, jwtSecret: string, databaseUrl: string): CallbackWiring {
  const { providers } = config;
  const tokenKey = callbackTokenKey(jwtSecret);
  // Providers only call back to a public https address (Leonardo requires https; a plain-http base is a dev machine).
  const publicHttps = config.publicBaseUrl.startsWith('https://');
  const calling = new Set<ProviderName>();
  if (publicHttps && providers.pollo.apiKey) calling.add('pollo');
  if (publicHttps && providers.leonardo.apiKey && providers.callbacks.leonardoKey) calling.add('leonardo');
  if (calling.size)
    log.info(
      {
        providers: [...calling],
        leonardoUrl: calling.has('leonardo') ? `${config.publicBaseUrl}${CALLBACK_PATHS.leonardo}` : undefined,
      },
      'provider completion callbacks on; polling is the fallback',
    );
  const hub = new CompletionHub({ callsBack: (p) => calling.has(p), databaseUrl, log });
  return {
    hub,
    callbackUrl: (slot, generationId) =>
      slot === 'pollo' && calling.has('pollo')
        ? `${config.publicBaseUrl}${CALLBACK_PATHS.pollo}/${callbackToken(tokenKey, generationId)}`
        : undefined,
    routes: (server) =>
      callbackRoutes(
        server,
        callbackRouteDeps({
          tokenKey,
          polloSecret: providers.callbacks.polloSecret,
          leonardoKey: calling.has('leonardo') ? providers.callbacks.leonardoKey : undefined,
          signals: hub,
          log,
        }),
      ),
  };
}
