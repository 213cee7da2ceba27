// Moderation: the keyword filter, the Gemini-with-fallback wrapper, and the policy (verdicts, strikes, bans,
// appeals) over its repository port. Gemini itself lives in infra/moderation/gemini.ts.
export { KeywordModerator, compileTerm } from './keyword.ts';
export { FallbackModerator, type FallbackEvents } from './fallback.ts';
export { ModerationPolicy, refusalMsg, type ModerationPolicyOptions, type ScreenResult } from './policy.ts';
export type { AppealStatus, BanRecord, ModerationEventRecord, ModerationRepository, NewModerationEvent } from './repository.ts';
export { normalizeText, fold } from './normalize.ts';
