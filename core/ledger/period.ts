// Monthly periods ("2026-11") in the service's configured timezone (TIMEZONE, default Asia/Taipei): the monthly
// reset on the 1st happens at local midnight there, not at UTC midnight.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The calendar month `date` falls in, in `timeZone`, as "YYYY-MM". Pure; throws RangeError on an unknown zone. */
export function periodOf(date: Date, timeZone = 'Asia/Taipei'): string {
  const parts = formatter(timeZone).formatToParts(date);
  const year = parts.find((p) => p.type === 'year')?.value;
  const month = parts.find((p) => p.type === 'month')?.value;
  return `${year!.padStart(4, '0')}-${month}`;
}

/** True for a well-formed period string. */
export function isPeriod(s: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(s);
}
