// How a message's parameters reach i18next: numbers and calendar days written with Intl in the reader's locale,
// and the plural count taken from the parameter the text counts. Shared by the server's translator and the web
// app's bundle, so it imports nothing from Node.

/** Parameters that name something (an order, an invoice, a code) and stay as given even when numeric. */
const NAMING = /(^|_)(id|ref|code|number|order|invoice)$/i;
/** Parameters holding a day or an instant; only these are read as dates (a prompt may look like one). */
const DATED = /^(date|day|until|since)$|(Date|At|Ends)$/;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

export type Params = Record<string, string | number | Date | null | undefined>;

export function formatNumber(locale: string, n: number): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(n);
}

/**
 * A calendar day ("2026-12-31") is the same day everywhere, so it is written in UTC; an instant is written in
 * `timeZone` (the reader's, or the runtime's when not given).
 */
export function formatDate(locale: string, value: Date | string, timeZone?: string): string {
  const day = typeof value === 'string' && ISO_DAY.test(value);
  const date = value instanceof Date ? value : new Date(day ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return String(value);
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: day ? 'UTC' : timeZone }).format(date);
}

function formatted(
  locale: string,
  name: string,
  value: Params[string],
  timeZone?: string,
): string | number | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return formatDate(locale, value, timeZone);
  if (typeof value === 'number') return NAMING.test(name) ? String(value) : formatNumber(locale, value);
  if (DATED.test(name) && (ISO_DAY.test(value) || ISO_INSTANT.test(value))) return formatDate(locale, value, timeZone);
  return value;
}

/**
 * The parameter a plural text counts: `count` when given, else the first placeholder of the text's English
 * `_other` form whose value is a number ("{{date}} · done · {{cost}} pts" counts cost).
 */
export function countOf(englishOther: string | undefined, params: Params): number | undefined {
  if (typeof params.count === 'number') return params.count;
  for (const m of (englishOther ?? '').matchAll(/\{\{\s*(\w+)/g)) {
    const v = params[m[1]!];
    if (typeof v === 'number') return v;
  }
  return undefined;
}

/**
 * The English `_other` form of each counted key ("core.reserved" → "{{points}} points are held …"). A key
 * "refused_other" beside a plain "refused" is a name of its own, not a plural form.
 */
export function countedKeys(
  tree: Record<string, unknown>,
  prefix = '',
  out = new Map<string, string>(),
): Map<string, string> {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') countedKeys(v as Record<string, unknown>, key, out);
    else if (k.endsWith('_other') && !(k.slice(0, -'_other'.length) in tree))
      out.set(key.slice(0, -'_other'.length), String(v));
  }
  return out;
}

/** i18next's options for one message: the formatted parameters, the language, and the count when it has plurals. */
export function i18nextOptions(
  locale: string,
  params: Params = {},
  englishOther?: string,
  timeZone?: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = { lng: locale };
  for (const [k, v] of Object.entries(params)) out[k] = formatted(locale, k, v, timeZone);
  const count = englishOther === undefined ? undefined : countOf(englishOther, params);
  if (count !== undefined) out.count = count;
  return out;
}
