// The rules every locale file keeps, as a list of problems (empty when all hold). English is the reference:
// every other language has each of its texts, with the same placeholders, in the plural forms that language
// needs (Intl.PluralRules' categories), and in the one register chosen for it.

export type Resources = Record<string, Record<string, unknown>>;

const FORMS = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;
const FORM_SUFFIX = new RegExp(`_(${FORMS.join('|')})$`);

export function leaves(obj: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
    else out.set(key, String(v));
  }
  return out;
}

export const placeholders = (s: string) => [...new Set([...s.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]!))].sort();

/** key → { form → text }, where a plain key has the single form "" (not counted). */
function byBase(res: Record<string, unknown>): Map<string, Map<string, string>> {
  const flat = leaves(res);
  // "refused_other" beside a plain "refused" is a name of its own, not a plural form.
  const counted = new Set(
    [...flat.keys()]
      .filter((k) => k.endsWith('_other'))
      .map((k) => k.slice(0, -6))
      .filter((k) => !flat.has(k)),
  );
  const out = new Map<string, Map<string, string>>();
  for (const [key, text] of flat) {
    const m = FORM_SUFFIX.exec(key);
    const base = m && counted.has(key.slice(0, m.index)) ? key.slice(0, m.index) : key;
    const form = base === key ? '' : m![1]!;
    if (!out.has(base)) out.set(base, new Map());
    out.get(base)!.set(form, text);
  }
  return out;
}

/** Each language's register, as a pattern that must not match any of its texts. */
export const REGISTER: Record<string, { rule: string; forbidden: RegExp }> = {
  'zh-TW': { rule: 'addresses the reader as 您, never 你', forbidden: /你/ },
  // 합니다체: statements and questions end in -ㅂ니다/-습니다/-ㅂ니까; requests in -(으)세요/-주세요. A 해요체 ending
  // (-요 after anything but 세, as in 만들어요, 됐어요, 할까요) is the other register. 필요 (need) and 아니요 (no) are words.
  ko: { rule: 'speaks 합니다체 (no 해요체 sentence endings)', forbidden: /(?<![세필니])요(?=[\s.!?…:,)"”]|$)/m },
  es: { rule: 'writes "video" (Latin American), never "vídeo"', forbidden: /vídeo/i },
  ja: { rule: 'writes ポイント, never the abbreviation pt', forbidden: /(?<![A-Za-z])pts?(?![A-Za-z])/ },
};

/** An English text that puts a number before a countable noun without being a plural key. */
const UNCOUNTED =
  /\{\{\s*\w+(\s*,\s*\w+)?\s*\}\}\s+(points?|pts?|videos?|minutes?|chats?|requests?|jobs?|seconds?|days?|items?)\b/;

export function localeProblems(res: Resources, languages: readonly string[]): string[] {
  const problems: string[] = [];
  const en = byBase(res.en ?? {});
  for (const [key, forms] of en) {
    if (forms.has('')) {
      const m = UNCOUNTED.exec(forms.get('')!);
      if (m) problems.push(`en ${key}: "${m[0]}" counts without plural forms`);
    }
  }
  for (const lng of languages) {
    const mine = byBase(res[lng] ?? {});
    const needed = new Intl.PluralRules(lng).resolvedOptions().pluralCategories as string[];
    for (const key of en.keys()) if (!mine.has(key)) problems.push(`${lng} ${key}: missing`);
    for (const key of mine.keys()) if (!en.has(key)) problems.push(`${lng} ${key}: not in English`);
    for (const [key, forms] of mine) {
      const reference = en.get(key);
      if (!reference) continue;
      const counted = reference.has('other');
      if (counted !== !forms.has(''))
        problems.push(
          `${lng} ${key}: ${counted ? 'plain text where English counts' : 'plural forms where English has one text'}`,
        );
      if (counted) {
        for (const form of needed) if (!forms.has(form)) problems.push(`${lng} ${key}: plural form _${form} missing`);
        for (const form of forms.keys())
          if (!needed.includes(form)) problems.push(`${lng} ${key}: _${form} is not a plural form of ${lng}`);
      }
      const want = JSON.stringify(placeholders(reference.get(counted ? 'other' : '') ?? ''));
      for (const [form, text] of forms) {
        if (JSON.stringify(placeholders(text)) !== want)
          problems.push(
            `${lng} ${key}${form ? `_${form}` : ''}: placeholders ${JSON.stringify(placeholders(text))}, English has ${want}`,
          );
        const register = REGISTER[lng];
        const hit = register?.forbidden.exec(text);
        if (register && hit)
          problems.push(`${lng} ${key}${form ? `_${form}` : ''}: "${hit[0]}" breaks the register (${register.rule})`);
      }
    }
  }
  return problems;
}
