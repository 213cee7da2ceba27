// What a photo sent without words is animated with: a gentle, content-neutral motion, in English since providers
// read prompts in English best.
export const DEFAULT_MOTION_PROMPT = 'gentle natural motion, a slow smooth camera push-in, soft light';

/** A follow-up text may name the motion for a photo sent without a caption for this long. */
export const FOLLOW_UP_PROMPT_MS = 2 * 60_000;
