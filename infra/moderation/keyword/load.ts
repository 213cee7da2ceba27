// Builds the lexicon from our data files and the LDNOOBW lists they select from (npm naughty-words, CC BY 4.0;
// https://github.com/LDNOOBW/List-of-Dirty-Naughty-Obscene-and-Otherwise-Bad-Words). Compiled once per process.
import { createRequire } from 'node:module';
import { Lexicon, LANGUAGES, type LexiconFile, type LexiconLanguage } from './lexicon.ts';

const require = createRequire(import.meta.url);
/** LDNOOBW names Chinese "zh" (mostly Simplified; our matching folds both scripts to one). */
const UPSTREAM_FILE: Record<LexiconLanguage, string> = { en: 'en', ja: 'ja', 'zh-TW': 'zh', ko: 'ko', es: 'es' };

export function lexiconFiles(): LexiconFile[] {
  return LANGUAGES.map((l) => require(`../lexicon/${l}.json`) as LexiconFile);
}

export function upstreamWords(lang: LexiconLanguage): string[] {
  return require(`naughty-words/${UPSTREAM_FILE[lang]}.json`) as string[];
}

let shared: Lexicon | undefined;
export function loadLexicon(): Lexicon {
  shared ??= new Lexicon(lexiconFiles(), Object.fromEntries(LANGUAGES.map((l) => [l, upstreamWords(l)])));
  return shared;
}
