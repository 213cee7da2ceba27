// From concept hits to a category: a few single concepts decide alone (an explicit sexual term, a slur, a gore
// term, a hard drug), the rest only in combination (a minor with anything sexual; a protected group with an
// elimination verb or a dehumanising word; a weapon with a making verb or an attack target). Order is priority:
// a naked child is 'minors', not 'sexual'; "kill all the jews" is 'hate', not 'violence'.
//
// `contextual` rules are the violence ones a benign frame can explain (a reenactment, a samurai film, a bullfight,
// a video game): a 'context' hit switches them off, unless the prompt also advocates ('advocacy': must, should,
// let's, all of them). Hate rules take no frame: "a documentary: exterminate the jews" is still refused, and so is
// anything with a strong term (a gore word, a slur, a hard drug) whatever surrounds it.
import type { Concept, Hit } from './lexicon.ts';
import type { ListCategory } from './categories.ts';

export interface Rule {
  category: ListCategory;
  /** Each element: a concept, or a list of alternatives; every element must be hit. */
  all: (Concept | Concept[])[];
  /** The first two elements' hits must lie this close: words (Latin, Korean words) or characters (substring hits). */
  near?: { words: number; chars: number };
  contextual?: boolean;
}

const SEXUAL_ANY: Concept[] = ['sexual', 'nudity', 'suggestive', 'sexual_violence'];

export const RULES: Rule[] = [
  { category: 'minors', all: ['csam'] },
  { category: 'minors', all: ['minor', SEXUAL_ANY] },
  { category: 'sexual', all: ['sexual'] },
  { category: 'sexual', all: ['nudity'] },
  { category: 'sexual', all: ['sexual_violence'] },
  { category: 'hate', all: ['hate'] },
  { category: 'hate', all: ['group', 'dehumanize'], near: { words: 6, chars: 16 } },
  { category: 'hate', all: ['group', ['eliminate', 'kill']], near: { words: 7, chars: 16 } },
  // Milder harm verbs (burn, hang, deport) only when the prompt calls for them: "muslims should be hanged".
  { category: 'hate', all: ['group', 'harm', 'advocacy'], near: { words: 5, chars: 12 } },
  { category: 'illegal', all: ['weapon_strong'] },
  { category: 'illegal', all: ['drug'] },
  { category: 'illegal', all: ['crime'] },
  { category: 'illegal', all: ['make', 'weapon'], near: { words: 4, chars: 12 } },
  { category: 'illegal', all: ['howto', 'weapon'], near: { words: 6, chars: 14 } },
  { category: 'illegal', all: ['drug_generic', 'trade'], near: { words: 4, chars: 10 } },
  { category: 'violence', all: ['attack', 'target'], near: { words: 6, chars: 14 }, contextual: true },
  { category: 'illegal', all: ['weapon', 'target'], near: { words: 6, chars: 14 }, contextual: true },
  { category: 'violence', all: ['gore'] },
  { category: 'violence', all: [['kill', 'eliminate'], 'victim'], near: { words: 5, chars: 12 }, contextual: true },
  { category: 'violence', all: ['graphic', ['corpse', 'kill']], contextual: true },
];

export interface Decision {
  category: ListCategory;
  /** The hits that decided, for the audit trail ("group:jews + eliminate:exterminate"). */
  evidence: string;
}

const distance = (a: Hit, b: Hit, near: { words: number; chars: number }) => {
  if (a.words && b.words) return Math.abs(a.token - b.token) <= near.words;
  const gap = a.start < b.start ? b.start - a.end : a.start - b.end;
  return gap <= near.chars;
};

export function decide(hits: Hit[]): Decision | null {
  if (!hits.length) return null;
  const by = new Map<Concept, Hit[]>();
  for (const h of hits) {
    const l = by.get(h.concept);
    if (l) l.push(h);
    else by.set(h.concept, [h]);
  }
  const framed = by.has('context') && !by.has('advocacy');
  for (const r of RULES) {
    if (r.contextual && framed) continue;
    const groups = r.all.map((c) => (Array.isArray(c) ? c.flatMap((x) => by.get(x) ?? []) : (by.get(c) ?? [])));
    if (groups.some((g) => g.length === 0)) continue;
    if (r.near) {
      const pair = groups[0]!.flatMap((a) =>
        groups[1]!.filter((b) => distance(a, b, r.near!)).map((b) => [a, b] as const),
      )[0];
      if (!pair) continue;
      return {
        category: r.category,
        evidence: [...pair, ...groups.slice(2).map((g) => g[0]!)].map((h) => `${h.concept}:${h.term}`).join(' + '),
      };
    }
    return { category: r.category, evidence: groups.map((g) => `${g[0]!.concept}:${g[0]!.term}`).join(' + ') };
  }
  return null;
}
