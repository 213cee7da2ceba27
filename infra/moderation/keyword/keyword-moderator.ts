// The keyword filter (Moderator port): a small rule-based classifier over the normalised prompt (normalize.ts),
// the lexicons of five languages (lexicon.ts, data in ../lexicon/<lang>.json) and the category rules (rules.ts).
// Used alone when Gemini is not configured, and beside Gemini in core/moderation/combined.ts.
import type { ModerationVerdict, Moderator } from '../../../core/ports.ts';
import { normalizeText } from './normalize.ts';
import type { Lexicon, Hit } from './lexicon.ts';
import { decide, type Decision } from './rules.ts';
import { loadLexicon } from './load.ts';

/** "12 year old", "12yo", "a 9-year-old", 12歳, 12살, 12岁, 13 años: an age under 18 is a minor. */
const MINOR_AGE =
  /(?:^|[^0-9])(?:1[0-7]|[1-9])\s*(?:yo|y\/o|yrs? old|years? old|-year-old|year-old|歳|岁|歲|살|anos|años|ano)(?![a-z])/;
/** The same with the age in words: "a ten-year-old", "aged twelve", "a girl of ten", "de doce años". */
const MINOR_AGE_WORDS = new RegExp(
  `(?:\\b(?:${['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen'].join('|')})[ -]?(?:years?|yrs?)[ -]?old` +
    `|\\b(?:aged|(?:girl|boy|child|kid|daughter|son) of) (?:about |around )?(?:five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen)\\b` +
    `|\\b(?:${['un', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve', 'diez', 'once', 'doce', 'trece', 'catorce', 'quince', 'dieciseis', 'diecisiete'].join('|')}) anos\\b)`,
);

export class KeywordModerator implements Moderator {
  /** Built on first use or by warm(): building the five languages' index takes about half a second of CPU. */
  private built?: Lexicon;

  constructor(private readonly given?: Lexicon) {}

  private get lexicon(): Lexicon {
    return (this.built ??= this.given ?? loadLexicon());
  }

  /** Builds the index now (after start-up, so that it delays neither /health nor the first prompt). */
  warm(): void {
    void this.lexicon;
  }

  /** The decision and its evidence; null when the prompt passes. */
  classify(text: string): Decision | null {
    const norm = normalizeText(text);
    const age: Hit[] =
      MINOR_AGE.test(norm.plain) || MINOR_AGE_WORDS.test(norm.plain)
        ? [{ concept: 'minor', term: 'age', start: 0, end: 0, token: -1, words: false }]
        : [];
    let best: Decision | null = null;
    for (const reading of norm.readings) {
      const d = decide([...this.lexicon.match(norm, reading), ...age]);
      if (d && (!best || RANK[d.category] < RANK[best.category])) best = d;
    }
    return best;
  }

  async check(text: string): Promise<ModerationVerdict> {
    const d = this.classify(text);
    return d
      ? { allowed: false, category: d.category, reason: `keyword: ${d.evidence}`, source: 'keyword' }
      : { allowed: true, source: 'keyword' };
  }
}

const RANK = { minors: 0, sexual: 1, hate: 2, illegal: 3, violence: 4 } as const;
