// Every key, in every file, exists in all five languages with the same placeholders, in the plural forms each
// language needs and in its one register; counted texts, numbers and days render in the reader's language.
import { describe, expect, it } from 'vitest';
import { createTranslator, loadResources, resolveLocale } from '../../infra/i18n.ts';
import { LOCALES } from '../../core/model.ts';
import { localeProblems, type Resources } from './locales-rules.ts';

const clone = (r: Resources): Resources => JSON.parse(JSON.stringify(r));

describe('locales', () => {
  const res = loadResources();

  it('has English keys', () => expect(Object.keys(res.en ?? {}).length).toBeGreaterThan(0));

  for (const lng of LOCALES) {
    it(`${lng} has every key, placeholder, plural form and its register`, () => {
      expect(localeProblems(res, [lng])).toEqual([]);
    });
  }

  describe('the rules catch', () => {
    const core = (r: Resources, lng: string) => r[lng]!.core as Record<string, unknown>;
    it('a missing key', () => {
      const r = clone(res);
      delete core(r, 'ko').canceled;
      expect(localeProblems(r, ['ko'])).toEqual(['ko core.canceled: missing']);
    });
    it('a placeholder mismatch', () => {
      const r = clone(res);
      core(r, 'ja').reserved_other = 'このために {{point}} ポイントを確保しました。';
      expect(localeProblems(r, ['ja'])).toEqual([
        'ja core.reserved_other: placeholders ["point"], English has ["points"]',
      ]);
    });
    it('a plural form missing for a language, and one it does not have', () => {
      const r = clone(res);
      delete core(r, 'es').reserved_many;
      core(r, 'zh-TW').reserved_one = '已為此保留 {{points}} 點。';
      expect(localeProblems(r, ['es', 'zh-TW'])).toEqual([
        'es core.reserved: plural form _many missing',
        'zh-TW core.reserved: _one is not a plural form of zh-TW',
      ]);
    });
    it('a count without plural forms', () => {
      const r = clone(res);
      core(r, 'en').canceled = 'Canceled {{n}} videos.';
      expect(localeProblems(r, ['en'])).toEqual(['en core.canceled: "{{n}} videos" counts without plural forms']);
    });
    it('a text out of register', () => {
      const r = clone(res);
      core(r, 'zh-TW').canceled = '你的影片已取消。';
      core(r, 'ko').canceled = '취소했어요.';
      core(r, 'es').canceled = 'Vídeo cancelado.';
      core(r, 'ja').canceled = 'キャンセルしました（5 pt 返却）。';
      expect(localeProblems(r, ['zh-TW', 'ko', 'es', 'ja']).map((p) => p.split(':')[0])).toEqual([
        'zh-TW core.canceled',
        'ko core.canceled',
        'es core.canceled',
        'ja core.canceled',
      ]);
    });
  });

  it('renders in the asked language', async () => {
    const tr = await createTranslator();
    expect(tr.t('ja', { key: 'common.language_name' })).toBe('日本語');
    expect(tr.t('zh-TW', { key: 'common.language_name' })).toBe('繁體中文');
  });

  it('counts with the language’s plural forms', async () => {
    const tr = await createTranslator();
    const reserved = (lng: (typeof LOCALES)[number], points: number) =>
      tr.t(lng, { key: 'core.reserved', params: { points } });
    expect(reserved('en', 1)).toMatch(/^1 point is held/);
    expect(reserved('en', 2)).toMatch(/^2 points are held/);
    expect(reserved('es', 1)).toMatch(/^Se reserva 1 punto /);
    expect(reserved('es', 2)).toMatch(/^Se reservan 2 puntos /);
    expect(reserved('ja', 1)).toContain('1 ポイント');
    expect(tr.t('en', { key: 'bot.admin.broadcast_sent', params: { count: 1 } })).toBe('Broadcast sent to 1 chat.');
    expect(tr.t('en', { key: 'bot.admin.broadcast_sent', params: { count: 1200 } })).toBe(
      'Broadcast sent to 1,200 chats.',
    );
    expect(
      tr.t('en', { key: 'core.receipt.charged_mixed', params: { points: 1, monthly: 1, purchased: 0, balance: 1234 } }),
    ).toBe('Charged 1 pt (1 monthly + 0 purchased) · balance 1,234');
  });

  it('writes days and numbers with Intl in the reader’s locale, ids as given', async () => {
    const tr = await createTranslator();
    const row = (lng: (typeof LOCALES)[number]) =>
      tr.t(lng, {
        key: 'core.history.succeeded',
        params: { date: '2026-12-01', cost: 1500, prompt: '2026-01-01', id: '1234' },
      });
    expect(row('en')).toBe('Dec 1, 2026 · done · 1,500 pts · 2026-01-01 (1234)');
    expect(row('ja')).toMatch(/^2026\/12\/01 · 完了 · 1,500 ポイント/);
    expect(row('zh-TW')).toMatch(/^2026年12月1日 /);
    expect(row('ko')).toMatch(/^2026\. 12\. 1\. /);
    expect(row('es')).toMatch(/^1 dic 2026 /);
    for (const lng of LOCALES) expect(row(lng)).not.toContain('2026-12-01');
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
