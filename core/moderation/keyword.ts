// The keyword filter (Moderator port): five categories in five languages, after undoing simple evasions
// (normalize.ts). Used on its own when Gemini is not configured, and as FallbackModerator's fallback.
import type { ModerationVerdict, Moderator } from '../ports.ts';
import { fold, isCjkTerm, normalizeText, type NormalizedText } from './normalize.ts';
import { ALLOWED_PHRASES, MINOR_AGE, MINOR_CONTEXT, WORDLISTS, type ListCategory, type ListLanguage } from './wordlists.ts';

interface Term {
  source: string;
  test(t: NormalizedText): boolean;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const letters = (s: string) => fold(s).replace(/[^\p{L}\p{N}]/gu, '');

/** Compiles one list entry (syntax in wordlists.ts). */
export function compileTerm(entry: string): Term {
  if (isCjkTerm(entry) || entry.startsWith('~')) {
    const needle = letters(entry.replace(/^~/, ''));
    return { source: entry, test: (t) => t.squeezed.some((s) => s.includes(needle)) };
  }
  const parts = fold(entry).split(/\s+/).filter(Boolean).map((w) =>
    w.endsWith('*') ? `${escape(letters(w))}[^ ]*` : `${escape(letters(w))}(?:s|es)?`);
  const re = new RegExp(` ${parts.join(' ')}(?= )`);
  return { source: entry, test: (t) => t.words.some((w) => re.test(w)) };
}

const compileAll = (lists: Record<ListLanguage, string[]>) => Object.values(lists).flat().map(compileTerm);

const ORDER: ListCategory[] = ['minors', 'sexual', 'hate', 'violence', 'illegal'];

export class KeywordModerator implements Moderator {
  private readonly lists = new Map<ListCategory, Term[]>(ORDER.map((c) => [c, compileAll(WORDLISTS[c])]));
  private readonly minorContext = compileAll(MINOR_CONTEXT);
  private readonly allowedWords = ALLOWED_PHRASES.filter((p) => !isCjkTerm(p)).map((p) => new RegExp(` ${fold(p).split(/\s+/).map((w) => escape(letters(w))).join(' ')}(?= )`, 'g'));
  private readonly allowedCjk = ALLOWED_PHRASES.filter(isCjkTerm).map(letters);

  /** The first listed term the text contains, by category; null when none. */
  match(text: string): { category: ListCategory; term: string } | null {
    const t = this.withoutAllowedPhrases(normalizeText(text));
    const hit = (c: ListCategory) => this.lists.get(c)!.find((term) => term.test(t));
    const minors = hit('minors');
    if (minors) return { category: 'minors', term: minors.source };
    const sexual = hit('sexual');
    if (sexual) {
      const minor = this.minorContext.find((term) => term.test(t))?.source ?? (MINOR_AGE.test(t.plain) ? 'age' : undefined);
      return minor ? { category: 'minors', term: `${sexual.source} + ${minor}` } : { category: 'sexual', term: sexual.source };
    }
    for (const c of ORDER.slice(2)) {
      const h = hit(c);
      if (h) return { category: c, term: h.source };
    }
    return null;
  }

  async check(text: string): Promise<ModerationVerdict> {
    const m = this.match(text);
    return m ? { allowed: false, category: m.category, reason: `keyword: ${m.term}`, source: 'keyword' } : { allowed: true, source: 'keyword' };
  }

  private withoutAllowedPhrases(t: NormalizedText): NormalizedText {
    return {
      plain: t.plain,
      words: t.words.map((w) => this.allowedWords.reduce((acc, re) => acc.replace(re, ' '), w)),
      squeezed: t.squeezed.map((s) => this.allowedCjk.reduce((acc, p) => acc.split(p).join(''), s)),
    };
  }
}
