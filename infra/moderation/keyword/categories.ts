import type { ModerationCategory } from '../../../core/ports.ts';

/** The categories the keyword filter decides (Gemini may also say self_harm or other). */
export type ListCategory = Exclude<ModerationCategory, 'self_harm' | 'other'>;
export const LIST_CATEGORIES: ListCategory[] = ['sexual', 'minors', 'violence', 'illegal', 'hate'];
