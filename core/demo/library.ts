// The Smart Demo library: a few curated clips a Demo user's prompt is matched to. Each clip is rendered once by
// the local renderer from its `prompt` and cached in the media store (see core/demo/clips.ts).
// Keywords are lower-case, in all five languages; CJK keywords match as substrings.
import type { Locale } from '../model.ts';

export interface DemoEntry {
  slug: string;
  /** What the local renderer draws (English, never shown to users). */
  prompt: string;
  keywords: Record<Locale, string[]>;
}

export const DEMO_LIBRARY: DemoEntry[] = [
  {
    slug: 'ocean',
    prompt: 'waves rolling onto a beach at sunset',
    keywords: {
      en: ['ocean', 'sea', 'beach', 'wave', 'surf'],
      ja: ['海', '波', 'ビーチ', '浜'],
      'zh-TW': ['海', '浪', '沙灘', '海灘'],
      ko: ['바다', '파도', '해변'],
      es: ['océano', 'oceano', 'mar', 'playa', 'ola'],
    },
  },
  {
    slug: 'city',
    prompt: 'a neon city street at night with traffic',
    keywords: {
      en: ['city', 'street', 'neon', 'night', 'traffic', 'building'],
      ja: ['街', '都市', 'ネオン', '夜'],
      'zh-TW': ['城市', '街', '霓虹', '夜'],
      ko: ['도시', '거리', '네온', '밤'],
      es: ['ciudad', 'calle', 'neón', 'neon', 'noche'],
    },
  },
  {
    slug: 'forest',
    prompt: 'sunlight through a green forest with mist',
    keywords: {
      en: ['forest', 'tree', 'woods', 'jungle', 'nature'],
      ja: ['森', '木', '林', '自然'],
      'zh-TW': ['森林', '樹', '叢林', '自然'],
      ko: ['숲', '나무', '정글', '자연'],
      es: ['bosque', 'árbol', 'arbol', 'selva', 'naturaleza'],
    },
  },
  {
    slug: 'space',
    prompt: 'a slow flight past planets and stars',
    keywords: {
      en: ['space', 'star', 'planet', 'galaxy', 'rocket', 'moon'],
      ja: ['宇宙', '星', '惑星', '銀河', 'ロケット', '月'],
      'zh-TW': ['太空', '宇宙', '星', '行星', '銀河', '火箭', '月'],
      ko: ['우주', '별', '행성', '은하', '로켓', '달'],
      es: ['espacio', 'estrella', 'planeta', 'galaxia', 'cohete', 'luna'],
    },
  },
  {
    slug: 'cat',
    prompt: 'a playful cat chasing a ball of yarn',
    keywords: {
      en: ['cat', 'kitten', 'kitty'],
      ja: ['猫', 'ねこ', 'ネコ', '子猫'],
      'zh-TW': ['貓', '小貓'],
      ko: ['고양이'],
      es: ['gato', 'gatito'],
    },
  },
  {
    slug: 'dog',
    prompt: 'a happy dog running across a meadow',
    keywords: {
      en: ['dog', 'puppy', 'pup'],
      ja: ['犬', 'いぬ', 'イヌ', '子犬'],
      'zh-TW': ['狗', '小狗', '犬'],
      ko: ['강아지', '개가', '개를'],
      es: ['perro', 'cachorro'],
    },
  },
  {
    slug: 'mountain',
    prompt: 'clouds drifting over snowy mountain peaks',
    keywords: {
      en: ['mountain', 'snow', 'peak', 'hill', 'alps'],
      ja: ['山', '雪', '峰'],
      'zh-TW': ['山', '雪', '峰'],
      ko: ['산맥', '설산', '산에', '눈송이', '봉우리'],
      es: ['montaña', 'montana', 'nieve', 'cumbre'],
    },
  },
  {
    slug: 'food',
    prompt: 'steaming noodles and sushi on a wooden table',
    keywords: {
      en: ['food', 'cook', 'noodle', 'sushi', 'cake', 'coffee'],
      ja: ['料理', '食べ物', 'ラーメン', '寿司', 'ケーキ', 'コーヒー'],
      'zh-TW': ['食物', '料理', '麵', '壽司', '蛋糕', '咖啡'],
      ko: ['음식', '요리', '라면', '초밥', '케이크', '커피'],
      es: ['comida', 'cocina', 'fideos', 'sushi', 'pastel', 'café'],
    },
  },
  {
    slug: 'fireworks',
    prompt: 'colourful fireworks bursting over a river',
    keywords: {
      en: ['firework', 'festival', 'party', 'celebration', 'new year'],
      ja: ['花火', '祭り', 'パーティー', 'お祝い'],
      'zh-TW': ['煙火', '煙花', '節慶', '派對', '慶祝'],
      ko: ['불꽃', '축제', '파티', '축하'],
      es: ['fuegos artificiales', 'fiesta', 'festival', 'celebración'],
    },
  },
  {
    slug: 'rain',
    prompt: 'rain drops on a window with a blurred street behind',
    keywords: {
      en: ['rain', 'storm', 'cloud', 'weather', 'umbrella'],
      ja: ['雨', '嵐', '雲', '傘'],
      'zh-TW': ['雨', '暴風', '雲', '傘'],
      ko: ['비가', '빗방울', '폭우', '폭풍', '구름', '우산'],
      es: ['lluvia', 'tormenta', 'nube', 'paraguas'],
    },
  },
];

const CJK = /[\u3040-\u30ff\u3400-\u9fff]/;
const HANGUL = /[\uac00-\ud7af]/;

/** The best-matching entry for a prompt in any language; the first entry when nothing matches. */
export function matchDemo(prompt: string, locale?: Locale): DemoEntry {
  const text = prompt.toLowerCase();
  const words = new Set(text.split(/[^\p{L}\p{N}]+/u).filter(Boolean));
  let best: { entry: DemoEntry; score: number } = { entry: DEMO_LIBRARY[0]!, score: 0 };
  for (const entry of DEMO_LIBRARY) {
    let score = 0;
    for (const [lng, list] of Object.entries(entry.keywords) as [Locale, string[]][]) {
      for (const kw of list) {
        // Latin keywords match whole words (plural "cats" too), Hangul a word's start (particles follow), CJK substrings.
        const hit =
          CJK.test(kw) || kw.includes(' ')
            ? text.includes(kw)
            : HANGUL.test(kw)
              ? [...words].some((w) => w.startsWith(kw))
              : words.has(kw) || words.has(`${kw}s`) || words.has(`${kw}es`);
        if (hit) score += lng === locale ? 3 : 2;
      }
    }
    if (score > best.score) best = { entry, score };
  }
  return best.entry;
}
