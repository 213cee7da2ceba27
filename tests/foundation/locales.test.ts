// Every key, in every file, exists in all five languages with the same placeholders.
import { describe, expect, it } from 'vitest';
import { createTranslator, loadResources, resolveLocale } from '../../infra/i18n.ts';
import { LOCALES } from '../../core/model.ts';

function leaves(obj: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
    else out.set(key, String(v));
  }
  return out;
}
const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();

describe('locales', () => {
  const res = loadResources();
  const en = leaves(res.en);

  it('has English keys', () => expect(en.size).toBeGreaterThan(0));

  for (const lng of LOCALES) {
    it(`${lng} has every key with the same placeholders`, () => {
      const other = leaves(res[lng]);
      const missing = [...en.keys()].filter((k) => !other.has(k));
      const extra = [...other.keys()].filter((k) => !en.has(k));
      expect({ missing, extra }).toEqual({ missing: [], extra: [] });
      const wrong = [...en].filter(([k, v]) => JSON.stringify(placeholders(v)) !== JSON.stringify(placeholders(other.get(k)!)));
      expect(wrong.map(([k]) => k)).toEqual([]);
    });
  }

  it('renders in the asked language', async () => {
    const tr = await createTranslator();
    expect(tr.t('ja', { key: 'common.language_name' })).toBe('日本語');
    expect(tr.t('zh-TW', { key: 'common.language_name' })).toBe('繁體中文');
  });

  it('maps platform language tags to ours', () => {
    expect(resolveLocale('ja-JP', 'en')).toBe('ja');
    expect(resolveLocale('zh-Hant', 'en')).toBe('zh-TW');
    expect(resolveLocale('zh_TW', 'en')).toBe('zh-TW');
    expect(resolveLocale('es-419', 'en')).toBe('es');
    expect(resolveLocale('de', 'en')).toBe('en');
    expect(resolveLocale(undefined, 'ko')).toBe('ko');
  });
});
