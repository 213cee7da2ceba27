// /style's option offers the whole catalogue by autocomplete (interaction type 4 → response type 8 with at most 25
// choices), instead of the 25 fixed choices a registered option may hold. Matched on the style's id, its name in
// every language and its aliases; names are shown in the interaction's language. The route answers at once
// (Discord waits 3 s). Source: discord.com/developers/docs/interactions/application-commands#autocomplete
// (docs/platforms.md).
import { mapPlatformLocale } from '../../core/accounts/locale.ts';
import type { StyleSource } from '../platform.ts';

export const AUTOCOMPLETE_MAX = 25;
const fold = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, '');

/** The focused option's typed text in an autocomplete interaction's options (nested under subcommands too). */
export function focusedValue(options: unknown): string {
  for (const o of (options ?? []) as { focused?: boolean; value?: unknown; options?: unknown }[]) {
    if (o.focused) return String(o.value ?? '');
    const inner = o.options ? focusedValue(o.options) : '';
    if (inner) return inner;
  }
  return '';
}

export async function styleChoices(
  source: StyleSource,
  typed: string,
  discordLocale: string | undefined,
): Promise<{ name: string; value: string }[]> {
  const locale = mapPlatformLocale(discordLocale) ?? 'en';
  const q = fold(typed);
  const scored: { score: number; name: string; value: string }[] = [];
  for (const s of await source()) {
    const shown = s.names[locale] ?? s.names.en ?? s.name;
    const words = [s.id, shown, s.name, ...Object.values(s.names), ...s.aliases]
      .filter((w): w is string => Boolean(w))
      .map(fold);
    // A match at the start of the shown name ranks first, then any word's start, then anywhere.
    const score = !q
      ? 2
      : fold(shown).startsWith(q)
        ? 0
        : words.some((w) => w.startsWith(q))
          ? 1
          : words.some((w) => w.includes(q))
            ? 2
            : -1;
    if (score >= 0) scored.push({ score, name: shown.slice(0, 100), value: s.id });
  }
  return scored
    .sort((a, b) => a.score - b.score)
    .slice(0, AUTOCOMPLETE_MAX)
    .map(({ name, value }) => ({ name, value }));
}
