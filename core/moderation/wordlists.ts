// The keyword filter's lists: the fallback when Gemini is slow, failing or absent, so they aim at the clearly
// unacceptable and avoid words with everyday meanings ("kill", "shoot", "assassin", "nazi" in a history
// documentary, Spanish "heroína" = heroine, Japanese "裸" in 裸足 = barefoot, "ロリ" in カロリー = calorie …).
//
// Syntax of a Latin-script entry (matched on whole words after normalisation, see normalize.ts):
//   "word"        the word (or its plural with -s/-es), or a phrase of words
//   "stem*"       any word starting with stem ("porn*" → porno, pornography)
//   "~chars"      anywhere, even inside a longer run of letters ("~porn" → childporn, xxxpornxxx)
// Entries in Japanese, Chinese or Korean match anywhere in the text with spacing and punctuation removed.
// Accents are ignored (write "pornografia" or "pornografía", both work).
import type { ModerationCategory } from '../ports.ts';

export type ListCategory = Exclude<ModerationCategory, 'self_harm' | 'other'>;
export type ListLanguage = 'en' | 'ja' | 'zh-TW' | 'ko' | 'es';

export const WORDLISTS: Record<ListCategory, Record<ListLanguage, string[]>> = {
  sexual: {
    en: ['porn*', '~porn', '~hentai', 'nsfw', '~nsfw', 'xxx', 'nude', 'nudes', 'nudity', 'naked', 'topless', 'sex', 'sex tape',
      'sexual intercourse', 'having sex', 'blowjob*', 'handjob*', 'orgasm*', 'orgy', 'orgies', 'erotic*', 'masturbat*',
      'genital*', 'penis', 'vagina*', 'boobs', 'tits', 'nipple*', 'striptease', 'stripper*', 'onlyfans', 'bdsm', 'fetish*',
      'cumshot*', 'deepthroat*', 'milf'],
    ja: ['ポルノ', 'エロ動画', 'エロ画像', 'エロい', 'セックス', '性行為', '全裸', '裸体', 'ヌード', 'アダルト動画', '18禁', '無修正',
      '乳首', '陰部', '性器', '淫乱', 'ストリップショー', 'ストリップ劇場', 'オナニー', '自慰', 'フェラチオ', 'av女優', 'おっぱい'],
    'zh-TW': ['色情', '裸體', '裸体', '全裸', '裸照', '性交', '做愛', '做爱', '成人影片', '黃色影片', '黄色视频', '淫穢', '淫秽',
      '自慰', '陰莖', '阴茎', '陰道', '阴道', 'a片', '三級片', '脫衣舞', '口交', '胸部全露'],
    ko: ['포르노', '야동', '섹스', '성관계', '나체', '누드사진', '누드영상', '알몸', '자위행위', '자위하는', '음란', '성인물', '성기노출', '가슴노출',
      '스트립쇼', '야한영상'],
    es: ['porno*', 'pornograf*', '~porn', 'desnuda', 'desnudas', 'desnudo integral', 'totalmente desnudo', 'sexo', 'sexo explicito',
      'erotic*', 'masturb*', 'follar', 'follando', 'orgia*', 'tetas', 'pene', 'vagina*', 'genitales', 'striptease', 'pezon*'],
  },
  minors: {
    en: ['child porn*', 'kiddie porn*', '~childporn', 'cp video', 'csam', 'loli', 'lolis', 'lolicon', '~lolicon', 'shotacon', 'pedo',
      'pedophil*', 'paedophil*', 'pedobear', 'jailbait', 'underage sex', 'underage nude*', 'preteen sex*', 'child sexual*',
      'child abuse material', 'molest* child*', 'molest* kid*'],
    ja: ['児童ポルノ', 'ロリコン', 'ショタコン', '幼女のヌード', '小児性愛', 'ペドフィリア', '児童買春', '未成年のヌード', 'jcエロ', 'jkエロ'],
    'zh-TW': ['兒童色情', '儿童色情', '戀童', '恋童', '幼女色情', '未成年色情', '兒童裸照', '儿童裸照', '蘿莉色情', '萝莉色情'],
    ko: ['아동포르노', '아동음란물', '아동성착취', '소아성애', '로리콘', '미성년자음란물', '미성년자포르노'],
    es: ['pornografia infantil', 'porno infantil', 'pedofil*', 'pederast*', 'abuso sexual infantil', 'sexo con menores',
      'menores desnud*', 'lolicon'],
  },
  violence: {
    en: ['gore', 'gory', 'gorefest', 'behead*', 'decapitat*', 'dismember*', 'mutilat*', 'disembowel*', 'torture*', 'torturing', 'massacre*',
      'mass shooting*', 'school shooting*', 'bloodbath', 'blood bath', 'snuff film*', 'snuff video*', 'kill people',
      'killing people', 'kill children', 'killing children', 'kill everyone', 'kill everybody', 'killing everyone',
      'kill them all', 'shoot people', 'shooting people', 'stab people', 'stabbing people', 'murder people', 'murdering people', 'slit* throat*', 'execution video*', 'lynching'],
    ja: ['斬首', '惨殺', '虐殺', '拷問', '殺害', '血まみれ', 'バラバラ死体', '首を切', '人を殺', '殺してやる', '銃乱射', 'グロ動画', 'グロ画像',
      '内臓が飛び出'],
    'zh-TW': ['斬首', '斩首', '砍頭', '砍头', '虐殺', '虐杀', '屠殺人', '酷刑', '肢解', '分屍', '分尸', '血腥', '殺人', '杀人', '槍擊案',
      '枪击案', '凌虐', '大屠殺', '大屠杀'],
    ko: ['참수', '학살', '고문하는', '고문장면', '살인장면', '살인영상', '사람을죽이', '토막살인', '유혈낭자', '총기난사', '신체훼손', '시체훼손',
      '잔인하게죽이'],
    es: ['gore', 'decapita*', 'descuartiz*', 'mutila*', 'tortura*', 'torturando', 'masacre*', 'tiroteo escolar', 'tiroteo masivo',
      'matar gente', 'matar personas', 'matar ninos', 'matar a todos', 'degollar', 'degollando', 'genocidio', 'linchamiento'],
  },
  illegal: {
    en: ['cocaine', 'heroin', 'meth', 'methamphetamine', 'crystal meth', 'fentanyl', 'cook meth', 'drug deal*', 'selling drugs',
      'buy drugs', 'bomb making', 'make a bomb', 'build a bomb', 'pipe bomb*', 'homemade explosive*', 'terrorist attack*',
      'human trafficking', 'child trafficking', 'counterfeit money', 'money laundering', 'credit card fraud', 'ghost gun*'],
    ja: ['覚醒剤', '覚せい剤', '麻薬', 'コカイン', 'ヘロイン', '大麻栽培', '爆弾の作り方', '爆弾を作', '爆弾製造', 'テロ攻撃', 'テロリスト',
      '偽札', '密売', '人身売買', '資金洗浄', 'マネーロンダリング', '銃の密造'],
    'zh-TW': ['毒品', '冰毒', '海洛因', '古柯鹼', '可卡因', '安非他命', '製造炸彈', '制造炸弹', '自製炸彈', '自制炸弹', '恐怖攻擊', '恐怖袭击',
      '偽鈔', '假钞', '販毒', '贩毒', '人口販賣', '人口贩卖', '洗錢', '洗钱'],
    ko: ['마약거래', '마약제조', '마약투약', '마약판매', '필로폰', '코카인', '헤로인', '대마초재배', '폭탄제조', '폭탄만드는', '사제폭탄', '테러공격', '위조지폐', '인신매매',
      '돈세탁'],
    es: ['cocaina', 'metanfetamina', 'fentanilo', 'narcotrafico', 'vender drogas', 'venta de drogas', 'fabricar una bomba',
      'hacer una bomba', 'bomba casera', 'ataque terrorista', 'trata de personas', 'lavado de dinero', 'blanqueo de dinero',
      'billetes falsos', 'dinero falso'],
  },
  hate: {
    en: ['nigger*', 'nigga*', 'faggot*', 'kike', 'kikes', 'spic', 'spics', 'wetback*', 'tranny', 'trannies',
      'white power', 'heil hitler', 'sieg heil', 'gas the jews', 'kill all jews', 'kill all muslims', 'ethnic cleansing',
      'white supremac*', 'kkk', 'race war', 'subhuman*'],
    ja: ['ハイルヒトラー', 'ジークハイル', '民族浄化', '朝鮮人を殺せ', 'ゴキブリ朝鮮人', '支那人', 'チョン死ね', '在日は死ね', 'ユダヤ人を殺せ',
      'ヘイトスピーチ動画'],
    'zh-TW': ['種族清洗', '种族清洗', '民族清洗', '支那豬', '支那猪', '黑鬼', '希特勒萬歲', '希特勒万岁', '納粹萬歲', '纳粹万岁', '殺光猶太人',
      '杀光犹太人'],
    ko: ['인종청소', '민족청소', '하일히틀러', '짱깨', '쪽바리', '깜둥이', '조센징', '유대인을죽여'],
    es: ['limpieza etnica', 'sieg heil', 'heil hitler', 'sudaca*', 'maricon*', 'negrata*', 'muerte a los judios',
      'supremacia blanca', 'poder blanco'],
  },
};

/**
 * Words that put a prompt about minors: together with any sexual term the prompt is refused as 'minors' (a naked
 * child), while alone they are fine ("children playing football"). Same syntax as above.
 */
export const MINOR_CONTEXT: Record<ListLanguage, string[]> = {
  en: ['child', 'children', 'kid', 'kids', 'toddler*', 'preteen*', 'underage', 'teen', 'teens', 'teenage*', 'schoolgirl*',
    'schoolboy*', 'minor', 'minors', 'little girl*', 'little boy*', 'baby', 'babies', 'infant*', 'juvenile*'],
  ja: ['児童', '幼女', '幼児', '少女', '少年', '小学生', '中学生', '女子高生', '女子中学生', '未成年', '子供', '子ども', 'こども', 'ロリ'],
  'zh-TW': ['兒童', '儿童', '幼女', '幼童', '少女', '小學生', '小学生', '國中生', '初中生', '未成年', '小孩', '蘿莉', '萝莉', '女童', '男童'],
  ko: ['아동', '어린이', '유아', '소녀', '소년', '초등학생', '중학생', '여중생', '미성년', '어린아이', '로리'],
  es: ['nino', 'nina', 'ninos', 'ninas', 'menor', 'menores', 'menor de edad', 'adolescente*', 'colegiala*', 'infantil', 'bebe*'],
};

/** "12 year old", "12yo", "12 y/o", "a 9-year-old": an age under 18 is a minor context too. */
export const MINOR_AGE = /(?:^|[^0-9])(?:1[0-7]|[1-9])\s*(?:yo|y\/o|yrs? old|years? old|-year-old|year-old|歳|岁|歲|살|anos|años)(?![a-z])/;

/**
 * Everyday phrases that contain a listed word, removed before matching ("Al Gore", "Gore-Tex", 殺人鯨 = orca,
 * 血腥瑪麗 = Bloody Mary). Same syntax: whole words for Latin script, anywhere for CJK and Korean.
 */
export const ALLOWED_PHRASES: string[] = [
  'al gore', 'gore tex', 'gore vidal', 'texas chainsaw massacre',
  '殺人鯨', '杀人鲸', '血腥瑪麗', '血腥玛丽', '血腥玛丽鸡尾酒',
];
