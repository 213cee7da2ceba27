// The moderation corpus (tests/data/moderation/<lang>.json): prompts written for these tests, not taken from the
// lexicon, with evasions (spacing, leetspeak, full-width, mixed scripts, synonyms, inflections).
import fs from 'node:fs';
import path from 'node:path';
import { LOCALES, type Locale } from '../../core/model.ts';

export const BLOCK_CATEGORIES = ['sexual', 'minors', 'violence', 'illegal', 'hate'] as const;
export type BlockCategory = (typeof BLOCK_CATEGORIES)[number];

export interface CorpusPrompt {
  lang: Locale;
  text: string;
  /** null: a benign look-alike that must pass. */
  expected: BlockCategory | null;
}

const DIR = path.resolve(import.meta.dirname, '../data/moderation');

export function loadCorpus(): CorpusPrompt[] {
  return LOCALES.flatMap((lang) => {
    const file = JSON.parse(fs.readFileSync(path.join(DIR, `${lang}.json`), 'utf8')) as Record<
      BlockCategory | 'benign',
      string[]
    >;
    return [
      ...BLOCK_CATEGORIES.flatMap((c) => file[c].map((text) => ({ lang, text, expected: c }))),
      ...file.benign.map((text) => ({ lang, text, expected: null })),
    ];
  });
}
