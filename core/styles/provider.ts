// GoEnhance wants its numeric model id (infra/providers/goenhance.ts parses VideoRequest.style as an integer and
// falls back to a default model otherwise). Generations record our style id ("anime"); this wrapper turns it into
// the catalogue's model id at the provider boundary, so the one table decides which model a style means.
import { ProviderError, type VideoProvider } from '../ports.ts';
import type { StyleCatalog } from './catalog.ts';

export function withStyleModels(provider: VideoProvider, catalog: Pick<StyleCatalog, 'find'>): VideoProvider {
  return {
    name: provider.name,
    ...(provider.local ? { local: true } : {}),
    async submit(req, signal) {
      if (!req.style || /^\d+$/.test(req.style)) return provider.submit(req, signal);
      const style = await catalog.find(req.style);
      // Never let the provider silently pick a default look for a style we do not know.
      if (!style)
        throw new ProviderError(
          provider.name,
          'bad_request',
          `${provider.name}: unknown style ${JSON.stringify(req.style)}`,
          false,
        );
      return provider.submit({ ...req, style: String(style.model) }, signal);
    },
    poll: (job, signal) => provider.poll(job, signal),
    cancel: (job) => provider.cancel(job),
    probe: (signal) => provider.probe(signal),
  };
}
