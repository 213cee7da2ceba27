// The style catalogue on PostgreSQL: showcase_styles (migrations 0601, 0801) is the one list of styles and their
// GoEnhance model ids; display names and aliases per language come from locales/<lang>/styles.json
// (styles.name.<id>, styles.alias.<id> as a comma-separated list), read once.
import { QueryTypes, type Sequelize } from 'sequelize';
import { LOCALES, type Locale } from '../../core/model.ts';
import { matchStyle, type Style, type StyleCatalog, type StyleSampleStore } from '../../core/styles/catalog.ts';
import { loadResources } from '../i18n.ts';

export type StyleWords = Record<string, { names: Partial<Record<Locale, string>>; aliases: string[] }>;

/** Names and aliases per style id, from every language's styles.json. */
export function loadStyleWords(resources = loadResources()): StyleWords {
  const out: StyleWords = {};
  for (const lng of LOCALES) {
    const area = (resources[lng]?.styles ?? {}) as { name?: Record<string, string>; alias?: Record<string, string> };
    for (const [id, name] of Object.entries(area.name ?? {}))
      (out[id] ??= { names: {}, aliases: [] }).names[lng] = name;
    for (const [id, list] of Object.entries(area.alias ?? {})) {
      (out[id] ??= { names: {}, aliases: [] }).aliases.push(
        ...list
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean),
      );
    }
  }
  return out;
}

interface Row {
  id: string;
  name: string;
  goenhance_model: number;
  sample_key: string | null;
  sample_url: string | null;
}

export class SqlStyleCatalog implements StyleCatalog, StyleSampleStore {
  constructor(
    private readonly db: Sequelize,
    private readonly words: StyleWords = loadStyleWords(),
  ) {}

  async list(): Promise<Style[]> {
    const rows = await this.db.query<Row>(
      'SELECT id, name, goenhance_model, sample_key, sample_url FROM showcase_styles ORDER BY sort_order, id',
      { type: QueryTypes.SELECT },
    );
    return rows.map((r) => ({
      id: r.id,
      model: r.goenhance_model,
      name: r.name,
      names: this.words[r.id]?.names ?? {},
      aliases: this.words[r.id]?.aliases ?? [],
      sampleKey: r.sample_key,
      sampleUrl: r.sample_url,
    }));
  }

  async find(query: string): Promise<Style | null> {
    return matchStyle(await this.list(), query);
  }

  async claimSample(styleId: string, staleAfterMs: number): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE showcase_styles SET sample_claimed_at = now()
        WHERE id = $1 AND sample_key IS NULL AND (sample_claimed_at IS NULL OR sample_claimed_at < now() - make_interval(secs => $2))
        RETURNING id`,
      { bind: [styleId, staleAfterMs / 1000], type: QueryTypes.SELECT },
    );
    return rows.length === 1;
  }

  async saveSample(styleId: string, key: string, url: string): Promise<void> {
    await this.db.query(
      'UPDATE showcase_styles SET sample_key = $2, sample_url = $3, sample_claimed_at = NULL WHERE id = $1',
      { bind: [styleId, key, url] },
    );
  }

  async releaseClaim(styleId: string): Promise<void> {
    await this.db.query('UPDATE showcase_styles SET sample_claimed_at = NULL WHERE id = $1 AND sample_key IS NULL', {
      bind: [styleId],
    });
  }
}
