// The generation use cases as core/api.ts names them, assembled from their single-purpose files.
import type { GenerationAdmin, GenerationRunner, GenerationService } from '../api.ts';
import type { GenerationDeps } from './deps.ts';
import { answerConsent, requestGeneration } from './request.ts';
import { cancel, get, history, list, status } from './user-ops.ts';
import { createGenerationAdmin } from './admin.ts';
import { Runner } from './runner.ts';

export function createGenerationService(d: GenerationDeps): GenerationService {
  return {
    request: async (account, req) => (await requestGeneration(d, account, req)).replies,
    requestOutcome: (account, req) => requestGeneration(d, account, req),
    consent: async (account, id, choice) => (await answerConsent(d, account, id, choice)).replies,
    consentOutcome: (account, id, choice) => answerConsent(d, account, id, choice),
    cancel: (account, id) => cancel(d, account, id),
    status: (account) => status(d, account),
    history: (account, limit) => history(d, account, limit),
    list: (userId, opts) => list(d, userId, opts),
    get: (userId, id) => get(d, userId, id),
  };
}

export function createGeneration(d: GenerationDeps): {
  service: GenerationService;
  admin: GenerationAdmin;
  runner: GenerationRunner;
} {
  return { service: createGenerationService(d), admin: createGenerationAdmin(d), runner: new Runner(d) };
}
