// What the web showcase shows: every style with its names and its sample clip's URL. The URL is made from the
// media key per request (a presigned S3 URL stays fresh); a missing sample starts rendering in the background.
import type { Locale } from '../model.ts';
import type { MediaStore } from '../ports.ts';
import type { StyleCatalog } from './catalog.ts';
import type { StyleSamples } from './samples.ts';

export interface ShowcaseStyle {
  id: string;
  name: string;
  names: Partial<Record<Locale, string>>;
  sampleUrl: string | null;
}

export class StyleShowcase {
  constructor(
    private readonly catalog: Pick<StyleCatalog, 'list'>,
    private readonly samples?: Pick<StyleSamples, 'kick'>,
    private readonly media?: Pick<MediaStore, 'publicUrl'>,
  ) {}

  async list(): Promise<ShowcaseStyle[]> {
    const styles = await this.catalog.list();
    if (this.samples && styles.some((s) => !s.sampleKey)) this.samples.kick();
    return Promise.all(
      styles.map(async (s) => ({
        id: s.id,
        name: s.name,
        names: s.names,
        sampleUrl: s.sampleKey && this.media ? await this.media.publicUrl(s.sampleKey) : s.sampleUrl,
      })),
    );
  }
}
