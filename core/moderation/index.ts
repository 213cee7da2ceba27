// Moderation: Gemini beside the keyword filter (combined.ts), and the policy (verdicts, strikes, bans, appeals and
// the admins' keyword overrides) over its repository port. Gemini and the keyword filter live in infra/moderation.
export { CombinedModerator, type CombinedEvents, type KeywordOverrides } from './combined.ts';
export {
  ModerationPolicy,
  overrideKey,
  type AppealDecision,
  type DecidedAppeal,
  type ModerationPolicyOptions,
} from './policy.ts';
export { AppealDesk, APPEAL_QUESTION_TTL_MS, type AppealDeskDeps, type AppealPolicy } from './appeals.ts';
export type {
  AppealStatus,
  BanRecord,
  ModerationEventRecord,
  ModerationRepository,
  NewModerationEvent,
} from './repository.ts';
