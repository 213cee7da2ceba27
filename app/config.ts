// The only reader of process.env. Every variable of the design brief is declared here with its
// embedded default; a bad value stops start-up with one line per variable.
import Joi from 'joi';
import path from 'node:path';
import proxyaddr from 'proxy-addr';
import type { S3Settings } from '../infra/media/s3-store.ts';
import type { ProviderSettings } from '../infra/providers/index.ts';
import { LOCALES, type Locale } from '../core/model.ts';

const url = Joi.string().uri({ scheme: ['http', 'https'] });
const optionalSecret = Joi.string().min(1);
/** Comma-separated host names: "cdn.example.com", "*.example.com", "http://127.0.0.1" (plain http for that host). */
const hostList = Joi.string()
  .pattern(/^\s*(http:\/\/)?(\*\.)?[A-Za-z0-9.-]+\s*(,\s*(http:\/\/)?(\*\.)?[A-Za-z0-9.-]+\s*)*$/)
  .messages({
    'string.pattern.base': 'must be a comma list of host names (cdn.example.com, *.example.com, http://host)',
  });
/** A secret that proves a request came from its sender: long enough not to be guessed (checked at start-up). */
const verifyingSecret = (min: number) => Joi.string().min(min);
/** Values never echoed in a configuration error line. */
const isSecretName = (name: string) => /SECRET|TOKEN|_KEY|PASSWORD|HASH_IV/.test(name);

/** Variables that production refuses to run without (named in the error line). */
const PRODUCTION_SECRETS = ['JWT_SECRET', 'DATABASE_URL', 'PUBLIC_BASE_URL'] as const;

/**
 * ECPay's published test credentials (developers.ecpay.com.tw ?p=2902; the official Node SDK's
 * conf/config-example.js): anyone can sign a callback with them, so production refuses them.
 */
const ECPAY_STAGE = {
  ECPAY_MERCHANT_ID: ['3002607', '2000132'],
  ECPAY_HASH_KEY: ['pwFHCqoQZGmho4w6', '5294y06JbISpM5x9'],
  ECPAY_HASH_IV: ['EkRm7iFT261dpevs', 'v77hoKGq4kWxNNIS'],
} as const;
const PADDLE_BASE = { live: 'https://api.paddle.com', sandbox: 'https://sandbox-api.paddle.com' } as const;

/** Payment credentials that do not belong where they are used: one line per variable. */
// biome-ignore lint/suspicious/noExplicitAny: the Joi-validated variables, before they become Config
function paymentProblems(v: Record<string, any>, given: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  const production = v.NODE_ENV === 'production';
  if (production) {
    for (const [name, published] of Object.entries(ECPAY_STAGE)) {
      if ((published as readonly string[]).includes(v[name])) {
        out.push(
          `${name}: ECPay's published stage value${given[name] ? '' : ' (the default)'} is refused when NODE_ENV=production; set your own`,
        );
      }
    }
    if (/payment-stage\./i.test(v.ECPAY_BASE_URL))
      out.push(
        `ECPAY_BASE_URL: ECPay's stage server is refused when NODE_ENV=production (use https://payment.ecpay.com.tw)`,
      );
  }
  const env: 'live' | 'sandbox' | undefined = v.PADDLE_ENV;
  if (v.PADDLE_API_KEY) {
    if (production && !env)
      out.push('PADDLE_ENV: required with PADDLE_API_KEY when NODE_ENV=production (sandbox or live)');
    if (production && !v.PADDLE_WEBHOOK_SECRET)
      out.push('PADDLE_WEBHOOK_SECRET: required with PADDLE_API_KEY when NODE_ENV=production');
  }
  if (env) {
    // Keys made since 2025-05-06 name their environment (pdl_live_…, pdl_sdbx_…); client tokens start live_/test_.
    const other = env === 'live' ? 'sandbox' : 'live';
    const keyEnv = /^pdl_live_/.test(v.PADDLE_API_KEY ?? '')
      ? 'live'
      : /^pdl_sdbx_/.test(v.PADDLE_API_KEY ?? '')
        ? 'sandbox'
        : undefined;
    if (keyEnv === other) out.push(`PADDLE_API_KEY: a ${other} key, but PADDLE_ENV=${env}`);
    const tokenEnv = /^live_/.test(v.PADDLE_CLIENT_TOKEN ?? '')
      ? 'live'
      : /^test_/.test(v.PADDLE_CLIENT_TOKEN ?? '')
        ? 'sandbox'
        : undefined;
    if (tokenEnv === other) out.push(`PADDLE_CLIENT_TOKEN: a ${other} token, but PADDLE_ENV=${env}`);
    const base = String(given.PADDLE_API_BASE ?? '').replace(/\/$/, '');
    if (base === PADDLE_BASE[other] || (env === 'live' && /sandbox/i.test(base)))
      out.push(`PADDLE_API_BASE: Paddle's ${other} API, but PADDLE_ENV=${env}`);
  }
  return out;
}

const schema = Joi.object({
  NODE_ENV: Joi.string().valid('development', 'production', 'test').default('development'),
  PORT: Joi.number().integer().min(0).max(65535).default(3000),
  HOST: Joi.string().default('0.0.0.0'),
  PUBLIC_BASE_URL: url,
  LOG_LEVEL: Joi.string().valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent').default('info'),
  DATA_DIR: Joi.string().default('.data'),
  METRICS_TOKEN: Joi.string().allow('').min(16),
  TIMEZONE: Joi.string().default('Asia/Taipei'),
  DEFAULT_LOCALE: Joi.string()
    .valid(...LOCALES)
    .default('en'),

  DATABASE_URL: Joi.string().uri({ scheme: ['postgres', 'postgresql'] }),
  EMBEDDED_PG_PORT: Joi.number().integer().min(1).max(65535),
  DB_POOL_MAX: Joi.number().integer().min(1).max(200).default(20),
  JOBS_URL: Joi.string().uri({ scheme: ['postgres', 'postgresql', 'mongodb', 'mongodb+srv'] }),
  REDIS_URL: Joi.string().uri({ scheme: ['redis', 'rediss'] }),
  JOBS_LOCK_LIFETIME_MS: Joi.number().integer().min(5000).default(60_000),
  // Generations run at once per instance: most of a generation's time is waiting on its provider (callbacks wake it).
  JOBS_CONCURRENCY: Joi.number().integer().min(1).max(1000).default(4),
  INBOX_RETRY_MS: Joi.number().integer().min(1000).default(60_000),
  // Chat events handled at once per instance after their webhook answer; the rest wait in arrival order (in the inbox).
  INBOX_CONCURRENCY: Joi.number().integer().min(1).max(1000).default(8),
  JOBS_PROVIDER_CONCURRENCY: Joi.string().pattern(
    /^\s*(leonardo|runway|pollo|goenhance|local)\s*=\s*\d+\s*(,\s*(leonardo|runway|pollo|goenhance|local)\s*=\s*\d+\s*)*$/,
  ),

  S3_BUCKET: Joi.string(),
  S3_ENDPOINT: url,
  S3_REGION: Joi.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: Joi.string(),
  S3_SECRET_ACCESS_KEY: Joi.string(),
  S3_PUBLIC_BASE_URL: url,
  S3_PUBLIC_ENDPOINT: url,
  S3_FORCE_PATH_STYLE: Joi.boolean().default(true),
  FFMPEG_PATH: Joi.string(),
  FFPROBE_PATH: Joi.string(),

  LEONARDO_API_KEY: optionalSecret,
  LEONARDO_API_BASE: url.default('https://cloud.leonardo.ai/api/rest/v1'),
  // Hosts each provider's finished videos may be downloaded from (docs/security.md lists the sources).
  LEONARDO_MEDIA_HOSTS: hostList.default('cdn.leonardo.ai,*.leonardo.ai'),
  RUNWAY_API_KEY: optionalSecret,
  RUNWAY_API_BASE: url.default('https://api.dev.runwayml.com'),
  RUNWAY_MEDIA_HOSTS: hostList.default('dnznrvs05pmza.cloudfront.net,*.runwayml.com'),
  POLLO_API_KEY: optionalSecret,
  POLLO_API_BASE: url.default('https://pollo.ai/api/platform'),
  POLLO_MEDIA_HOSTS: hostList.default('*.pollo.ai'),
  GOENHANCE_API_KEY: optionalSecret,
  GOENHANCE_API_BASE: url.default('https://api.goenhance.ai'),
  GOENHANCE_MEDIA_HOSTS: hostList.default('*.goenhance.ai'),
  PROVIDER_TIMEOUT_MS: Joi.number().integer().min(1000).default(600_000),
  // Completion callbacks (docs/providers.md): Leonardo's per-key webhook API key, Pollo's webhook signing secret,
  // and the slower poll that backs a callback up.
  LEONARDO_WEBHOOK_KEY: verifyingSecret(16),
  POLLO_WEBHOOK_SECRET: optionalSecret,
  PROVIDER_CALLBACK_POLL_MS: Joi.number().integer().min(1000).default(30_000),

  GEMINI_API_KEY: optionalSecret,
  GEMINI_API_BASE: url,
  GEMINI_MODEL: Joi.string().default('gemini-2.5-flash'),
  GEMINI_TIMEOUT_MS: Joi.number().integer().min(100).default(4000),

  LINE_CHANNEL_SECRET: verifyingSecret(32), // LINE issues 32 characters
  LINE_CHANNEL_ACCESS_TOKEN: optionalSecret,
  LINE_API_BASE: url.default('https://api.line.me'),
  LINE_DATA_API_BASE: url.default('https://api-data.line.me'),
  LINE_BOT_BASIC_ID: Joi.string(),
  TELEGRAM_BOT_TOKEN: optionalSecret,
  // Telegram allows 1-256 of [A-Za-z0-9_-]; we choose it, so at least 32 (e.g. openssl rand -hex 24).
  TELEGRAM_WEBHOOK_SECRET: Joi.string()
    .pattern(/^[A-Za-z0-9_-]{32,256}$/)
    .messages({ 'string.pattern.base': 'must be 32 to 256 characters of A-Z, a-z, 0-9, _ and -' }),
  TELEGRAM_API_ROOT: url.default('https://api.telegram.org'),
  TELEGRAM_BOT_USERNAME: Joi.string(),
  DISCORD_APPLICATION_ID: Joi.string().pattern(/^\d+$/),
  DISCORD_PUBLIC_KEY: Joi.string().hex().length(64),
  DISCORD_BOT_TOKEN: optionalSecret,
  DISCORD_API_BASE: url.default('https://discord.com/api/v10'),
  DISCORD_GUILD_ID: Joi.string().pattern(/^\d+$/),

  JWT_SECRET: Joi.string().min(32),
  ADMIN_IDS: Joi.string()
    .allow('')
    .pattern(/^([a-z]+:[^,\s]+)(,[a-z]+:[^,\s]+)*$/)
    .default(''),

  ECPAY_MERCHANT_ID: Joi.string().default('3002607'),
  ECPAY_HASH_KEY: Joi.string().default('pwFHCqoQZGmho4w6'),
  ECPAY_HASH_IV: Joi.string().default('EkRm7iFT261dpevs'),
  ECPAY_BASE_URL: url.default('https://payment-stage.ecpay.com.tw'),
  PADDLE_API_KEY: optionalSecret,
  PADDLE_WEBHOOK_SECRET: optionalSecret,
  PADDLE_CLIENT_TOKEN: Joi.string(),
  PADDLE_ENV: Joi.string().valid('sandbox', 'live'),
  PADDLE_API_BASE: url,

  CORS_ORIGINS: Joi.string().allow('').default(''),
  // Which peers may tell us the client address (X-Forwarded-For): a hop count, or addresses/CIDRs/"loopback".
  TRUST_PROXY: Joi.string()
    .custom((v: string) => parseTrustProxy(v), 'hop count or addresses')
    .messages({
      'any.custom':
        'must be a hop count (1-10) or a comma list of IP addresses, CIDRs, loopback, linklocal, uniquelocal',
    }),
  RATE_LIMIT_CHAT_PER_MIN: Joi.number().integer().min(1).default(10),
  RATE_LIMIT_IP_PER_MIN: Joi.number().integer().min(1).default(100),
  RATE_LIMIT_CHECKOUT_PER_HOUR: Joi.number().integer().min(1).default(10),
  BAN_THRESHOLD: Joi.number().integer().min(1).default(3),
  BAN_WINDOW_HOURS: Joi.number().integer().min(1).default(24),
  DEMO_MEDIA_RETENTION_DAYS: Joi.number().integer().min(1).default(30),
  IMAGE_MODERATION: Joi.string().valid('auto', 'off').default('auto'),
  PHOTO_RETENTION_HOURS: Joi.number()
    .integer()
    .min(1)
    .max(24 * 30)
    .default(24),
}).unknown(true);

/** Every variable the service reads (docker-compose's pass-through list is checked against it). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.describe().keys ?? {});

export type Env = Record<string, string | undefined>;

const hosts = (v: string) =>
  v
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);

/** "2" → 2 hops; "10.0.0.0/8, loopback" → those addresses (checked by proxy-addr, which will apply them). */
function parseTrustProxy(v: string): number | string[] {
  if (/^\d+$/.test(v.trim())) {
    const hops = Number(v);
    if (hops < 1 || hops > 10) throw new Error('hops');
    return hops;
  }
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  proxyaddr.compile(list); // throws on a bad address
  return list;
}

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Where chat platforms and browsers reach us; defaults to http://localhost:PORT. */
  publicBaseUrl: string;
  logLevel: string;
  dataDir: string;
  timezone: string;
  defaultLocale: Locale;
  /** embeddedPort unset: 54329, or a free port when another program holds it (remembered under DATA_DIR). */
  database: { url?: string; embeddedPort?: number; poolMax: number };
  jobsUrl?: string;
  /** Per-provider caps on running generations across all instances ("leonardo=4,runway=2"); unset = defaults. */
  jobsProviderConcurrency?: string;
  /** A job whose worker stopped renewing its lock (a killed process) is taken over after this long. */
  jobsLockLifetimeMs: number;
  /** Generations running at once in this instance (JOBS_CONCURRENCY). */
  jobsConcurrency: number;
  /** A chat event not finished this long after its last attempt (a crash, a database outage) is handled again. */
  inboxRetryMs: number;
  /** Chat events handled at once per instance; the others wait their turn, first come first served (INBOX_CONCURRENCY). */
  inboxConcurrency: number;
  redisUrl?: string;
  s3?: S3Settings;
  /** ffmpeg/ffprobe executables; unset = looked up on PATH. */
  ffmpeg: { ffmpegPath?: string; ffprobePath?: string };
  /** mediaHosts: where that provider's result videos may be downloaded from (infra/providers/result-urls.ts). */
  providers: ProviderSettings;
  gemini: { apiKey?: string; baseUrl?: string; model: string; timeoutMs: number };
  line?: { channelSecret: string; channelAccessToken: string; apiBase: string; dataApiBase: string; basicId?: string };
  telegram?: { botToken: string; webhookSecret?: string; apiRoot: string; username?: string };
  discord?: { applicationId: string; publicKey: string; botToken?: string; apiBase: string; guildId?: string };
  jwtSecret?: string;
  adminIds: string[];
  ecpay: { merchantId: string; hashKey: string; hashIv: string; baseUrl: string };
  /** `env` is what PADDLE_ENV said (required in production with a key); the API base follows it unless set. */
  paddle: { apiKey?: string; webhookSecret?: string; clientToken?: string; apiBase: string; env?: 'sandbox' | 'live' };
  corsOrigins: string[];
  /** Unset: per-IP limits count the socket address and no forwarded header is believed. */
  trustProxy?: number | string[];
  rateLimits: { chatPerMinute: number; ipPerMinute: number; checkoutsPerHour: number };
  moderation: { banThreshold: number; banWindowHours: number };
  demoMediaRetentionDays: number;
  /** Bearer token GET /metrics asks for; unset: no metrics endpoint (404). */
  metricsToken?: string;
  /**
   * Photos sent to animate: 'auto' checks each with Gemini and refuses photos when it cannot; 'off' (the operator's
   * explicit choice) lets photos pass unchecked when Gemini is absent or down. Stored photos are deleted after
   * retentionHours.
   */
  photos: { imageModeration: 'auto' | 'off'; retentionHours: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Parses and validates the environment; throws ConfigError listing one line per bad variable. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  // An empty value (as in a copied .env.example) means unset.
  const given = Object.fromEntries(Object.entries(env).filter(([, val]) => val !== undefined && val.trim() !== ''));
  const { value: v, error } = schema.validate(given, { abortEarly: false, convert: true });
  const problems: string[] = [];
  for (const d of error?.details ?? []) {
    const name = String(d.path[0]);
    const got = isSecretName(name)
      ? `${String(d.context?.value ?? '').length} characters`
      : JSON.stringify(d.context?.value);
    problems.push(`${name}: ${d.message.replace(/^"[^"]+" /, '')} (got ${got})`);
  }
  if (v.NODE_ENV === 'production') {
    for (const name of PRODUCTION_SECRETS) {
      if (!given[name]) problems.push(`${name}: required when NODE_ENV=production`);
    }
  }
  const pairs: [string, string][] = [
    ['LINE_CHANNEL_SECRET', 'LINE_CHANNEL_ACCESS_TOKEN'],
    ['DISCORD_APPLICATION_ID', 'DISCORD_PUBLIC_KEY'],
  ];
  for (const [a, b] of pairs) {
    if (Boolean(v[a]) !== Boolean(v[b])) problems.push(`${v[a] ? b : a}: must be set together with ${v[a] ? a : b}`);
  }
  problems.push(...paymentProblems(v, given));
  if (problems.length) throw new ConfigError(problems);

  const dataDir = path.resolve(cwd, v.DATA_DIR);
  return {
    env: v.NODE_ENV,
    port: v.PORT,
    host: v.HOST,
    publicBaseUrl: (v.PUBLIC_BASE_URL ?? `http://localhost:${v.PORT}`).replace(/\/$/, ''),
    logLevel: v.LOG_LEVEL,
    metricsToken: v.METRICS_TOKEN || undefined,
    dataDir,
    timezone: v.TIMEZONE,
    defaultLocale: v.DEFAULT_LOCALE,
    database: { url: v.DATABASE_URL, embeddedPort: v.EMBEDDED_PG_PORT, poolMax: v.DB_POOL_MAX },
    jobsUrl: v.JOBS_URL,
    jobsProviderConcurrency: v.JOBS_PROVIDER_CONCURRENCY,
    jobsLockLifetimeMs: v.JOBS_LOCK_LIFETIME_MS,
    jobsConcurrency: v.JOBS_CONCURRENCY,
    inboxRetryMs: v.INBOX_RETRY_MS,
    inboxConcurrency: v.INBOX_CONCURRENCY,
    redisUrl: v.REDIS_URL,
    s3: v.S3_BUCKET
      ? {
          bucket: v.S3_BUCKET,
          endpoint: v.S3_ENDPOINT,
          region: v.S3_REGION,
          accessKeyId: v.S3_ACCESS_KEY_ID,
          secretAccessKey: v.S3_SECRET_ACCESS_KEY,
          publicBaseUrl: v.S3_PUBLIC_BASE_URL,
          forcePathStyle: v.S3_FORCE_PATH_STYLE,
          publicEndpoint: v.S3_PUBLIC_ENDPOINT,
        }
      : undefined,
    ffmpeg: { ffmpegPath: v.FFMPEG_PATH, ffprobePath: v.FFPROBE_PATH },
    providers: {
      leonardo: { apiKey: v.LEONARDO_API_KEY, baseUrl: v.LEONARDO_API_BASE, mediaHosts: hosts(v.LEONARDO_MEDIA_HOSTS) },
      runway: { apiKey: v.RUNWAY_API_KEY, baseUrl: v.RUNWAY_API_BASE, mediaHosts: hosts(v.RUNWAY_MEDIA_HOSTS) },
      pollo: { apiKey: v.POLLO_API_KEY, baseUrl: v.POLLO_API_BASE, mediaHosts: hosts(v.POLLO_MEDIA_HOSTS) },
      goenhance: {
        apiKey: v.GOENHANCE_API_KEY,
        baseUrl: v.GOENHANCE_API_BASE,
        mediaHosts: hosts(v.GOENHANCE_MEDIA_HOSTS),
      },
      timeoutMs: v.PROVIDER_TIMEOUT_MS,
      callbacks: {
        leonardoKey: v.LEONARDO_WEBHOOK_KEY,
        polloSecret: v.POLLO_WEBHOOK_SECRET,
        pollMs: v.PROVIDER_CALLBACK_POLL_MS,
      },
    },
    gemini: {
      apiKey: v.GEMINI_API_KEY,
      baseUrl: v.GEMINI_API_BASE,
      model: v.GEMINI_MODEL,
      timeoutMs: v.GEMINI_TIMEOUT_MS,
    },
    line: v.LINE_CHANNEL_SECRET
      ? {
          channelSecret: v.LINE_CHANNEL_SECRET,
          channelAccessToken: v.LINE_CHANNEL_ACCESS_TOKEN,
          apiBase: v.LINE_API_BASE,
          dataApiBase: v.LINE_DATA_API_BASE,
          basicId: v.LINE_BOT_BASIC_ID,
        }
      : undefined,
    telegram: v.TELEGRAM_BOT_TOKEN
      ? {
          botToken: v.TELEGRAM_BOT_TOKEN,
          webhookSecret: v.TELEGRAM_WEBHOOK_SECRET,
          apiRoot: v.TELEGRAM_API_ROOT,
          username: v.TELEGRAM_BOT_USERNAME,
        }
      : undefined,
    discord: v.DISCORD_APPLICATION_ID
      ? {
          applicationId: v.DISCORD_APPLICATION_ID,
          publicKey: v.DISCORD_PUBLIC_KEY,
          botToken: v.DISCORD_BOT_TOKEN,
          apiBase: v.DISCORD_API_BASE,
          guildId: v.DISCORD_GUILD_ID,
        }
      : undefined,
    jwtSecret: v.JWT_SECRET,
    adminIds: v.ADMIN_IDS
      ? String(v.ADMIN_IDS)
          .split(',')
          .map((s: string) => s.trim())
      : [],
    ecpay: {
      merchantId: v.ECPAY_MERCHANT_ID,
      hashKey: v.ECPAY_HASH_KEY,
      hashIv: v.ECPAY_HASH_IV,
      baseUrl: v.ECPAY_BASE_URL,
    },
    paddle: {
      apiKey: v.PADDLE_API_KEY,
      webhookSecret: v.PADDLE_WEBHOOK_SECRET,
      clientToken: v.PADDLE_CLIENT_TOKEN,
      env: v.PADDLE_ENV,
      apiBase: v.PADDLE_API_BASE ?? PADDLE_BASE[(v.PADDLE_ENV as 'live' | 'sandbox' | undefined) ?? 'sandbox'],
    },
    corsOrigins: v.CORS_ORIGINS
      ? String(v.CORS_ORIGINS)
          .split(',')
          .map((s: string) => s.trim())
      : [],
    trustProxy: v.TRUST_PROXY,
    rateLimits: {
      chatPerMinute: v.RATE_LIMIT_CHAT_PER_MIN,
      ipPerMinute: v.RATE_LIMIT_IP_PER_MIN,
      checkoutsPerHour: v.RATE_LIMIT_CHECKOUT_PER_HOUR,
    },
    moderation: { banThreshold: v.BAN_THRESHOLD, banWindowHours: v.BAN_WINDOW_HOURS },
    demoMediaRetentionDays: v.DEMO_MEDIA_RETENTION_DAYS,
    photos: { imageModeration: v.IMAGE_MODERATION, retentionHours: v.PHOTO_RETENTION_HOURS },
  };
}
