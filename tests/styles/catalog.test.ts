// The style catalogue on a real migrated PostgreSQL: the showcase_styles table decides which styles exist and
// their GoEnhance model ids; ids, names and aliases in all five languages find them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';
import { SqlStyleCatalog, loadStyleWords } from '../../infra/db/styles-repo.ts';
import { resolveStyle, styleName } from '../../core/styles/catalog.ts';
import { withStyleModels } from '../../core/styles/provider.ts';
import { ProviderError } from '../../core/ports.ts';
import { ScriptedProvider } from '../core/support/scripted-provider.ts';
import { LOCALES } from '../../core/model.ts';

let db: TestDb;
let catalog: SqlStyleCatalog;
beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 2 });
  catalog = new SqlStyleCatalog(db.sequelize);
});
afterAll(async () => {
  await db?.drop();
});

describe('style catalogue', () => {
  it('lists the seeded styles in showcase order with their model ids and a name in every language', async () => {
    const styles = await catalog.list();
    expect(styles.map((s) => [s.id, s.model])).toEqual([
      ['anime', 1],
      ['ghibli', 2],
      ['pixar', 3],
      ['cyberpunk', 4],
      ['clay', 5],
      ['sketch', 6],
    ]);
    for (const s of styles) for (const l of LOCALES) expect(s.names[l], `${s.id} in ${l}`).toBeTruthy();
    expect(styleName(styles[0]!, 'ja')).toBe('アニメ');
    expect(styleName(styles[1]!, 'es')).toBe('Acuarela Ghibli');
  });

  it.each([
    ['anime', 'anime'],
    ['ANIME', 'anime'],
    ['ＡＮＩＭＥ', 'anime'],
    ['アニメ', 'anime'],
    ['動漫', 'anime'],
    ['애니메이션', 'anime'],
    ['watercolor ghibli', 'ghibli'],
    ['Watercolor-Ghibli', 'ghibli'],
    ['ジブリ', 'ghibli'],
    ['吉卜力水彩', 'ghibli'],
    ['acuarela', 'ghibli'],
    ['3D Cartoon', 'pixar'],
    ['픽사', 'pixar'],
    ['neón ciberpunk', 'cyberpunk'],
    ['鉛筆スケッチ', 'sketch'],
    ['boceto a lápiz', 'sketch'],
    ['클레이', 'clay'],
    ['黏土動畫', 'clay'],
  ])('finds %s → %s', async (query, id) => {
    expect((await catalog.find(query))?.id).toBe(id);
  });

  it('finds nothing for an unknown or empty word', async () => {
    expect(await catalog.find('vaporwave')).toBeNull();
    expect(await catalog.find('  ')).toBeNull();
  });

  it('takes a several-word style name off the front of the prompt', async () => {
    expect(await resolveStyle(catalog, 'pencil', 'sketch of a cat')).toMatchObject({
      style: { id: 'sketch' },
      prompt: 'of a cat',
    });
    expect(await resolveStyle(catalog, 'anime', 'a castle at dusk')).toMatchObject({
      style: { id: 'anime' },
      prompt: 'a castle at dusk',
    });
    expect(await resolveStyle(catalog, 'nope', 'a castle')).toBeNull();
  });

  it('follows the table: a style added there is found (table name where no language names it)', async () => {
    await db.sequelize.query(
      `INSERT INTO showcase_styles (id, name, goenhance_model, sort_order) VALUES ('noir', 'Film Noir', 17, 9)`,
    );
    const noir = await catalog.find('film noir');
    expect(noir).toMatchObject({ id: 'noir', model: 17 });
    expect(styleName(noir!, 'ko')).toBe('Film Noir');
    await db.sequelize.query(`DELETE FROM showcase_styles WHERE id = 'noir'`);
    expect(await catalog.find('noir')).toBeNull();
  });

  it('reads names and aliases from every language file', () => {
    const words = loadStyleWords();
    expect(words.anime!.aliases).toEqual(expect.arrayContaining(['manga', 'アニメ風', '動畫', '애니']));
  });

  it('sends GoEnhance the model id for a style id and refuses a style the table lacks', async () => {
    const inner = new ScriptedProvider('goenhance', () => 'https://x.test/v.mp4');
    const p = withStyleModels(inner, catalog);
    const base = {
      generationId: 'g1',
      kind: 'style' as const,
      prompt: '',
      resolution: '720p' as const,
      fps: 24,
      durationSeconds: 5,
      sourceVideoUrl: 'https://x.test/s.mp4',
    };
    await p.submit({ ...base, style: 'cyberpunk' });
    await p.submit({ ...base, style: '4' });
    expect(inner.submissions.map((r) => r.style)).toEqual(['4', '4']);
    await expect(p.submit({ ...base, style: 'vaporwave' })).rejects.toBeInstanceOf(ProviderError);
    expect(inner.submissions).toHaveLength(2);
  });
});
