// Mid-run failover reached a charged step without consent: ask, and stop until the answer.
import { consentQuestion, countConsentAsked } from '../deps.ts';
import { msg } from '../types.ts';
import { payingStep } from '../two-stage.ts';
import type { Step } from './context.ts';

export const askConsent: Step = async ({ d }, { gen }) => {
  const step = payingStep(gen).step!;
  const asked = await d.store.transition(gen.id, ['queued', 'running'], {
    status: 'awaiting_consent',
    stage: 'awaiting_consent',
  });
  if (!asked) return { to: 'done', gen };
  countConsentAsked(d, step);
  const question = await consentQuestion(d, gen, step);
  await d.notifier.push(gen.replyTarget, [{ kind: 'text', message: msg('core.consent.failover') }, question], {
    idempotencyKey: `generation:${gen.id}:consent:${gen.stepIndex}`,
  });
  return { to: 'awaiting_consent', gen: { ...gen, status: 'awaiting_consent' } };
};
