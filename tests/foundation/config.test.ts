import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../app/config.ts';

function problems(env: Record<string, string>) {
  try {
    loadConfig(env, '/srv');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('configuration', () => {
  it('runs on embedded defaults with nothing set', () => {
    const c = loadConfig({}, '/srv');
    expect(c.port).toBe(3000);
    expect(c.database.url).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
    expect(c.dataDir).toBe('/srv/.data');
    expect(c.publicBaseUrl).toBe('http://localhost:3000');
    expect(c.line).toBeUndefined();
    expect(c.timezone).toBe('Asia/Taipei');
    expect(c.providers.leonardo.baseUrl).toBe('https://cloud.leonardo.ai/api/rest/v1');
  });

  it('names every bad variable on its own line', () => {
    const p = problems({ DATABASE_URL: 'postgres://nope', PORT: 'abc', REDIS_URL: 'http://x' });
    expect(p.some((l) => l.startsWith('PORT:'))).toBe(true);
    expect(p.some((l) => l.startsWith('REDIS_URL:'))).toBe(true);
    expect(p.some((l) => l.startsWith('DATABASE_URL:'))).toBe(false); // a valid URL; reachability is checked at start
  });

  it('refuses missing secrets in production, naming them', () => {
    const p = problems({ NODE_ENV: 'production' });
    expect(p).toContain('JWT_SECRET: required when NODE_ENV=production');
    expect(p).toContain('DATABASE_URL: required when NODE_ENV=production');
  });

  it('asks for paired platform variables together', () => {
    expect(problems({ LINE_CHANNEL_SECRET: 'c'.repeat(32) })).toEqual([
      'LINE_CHANNEL_ACCESS_TOKEN: must be set together with LINE_CHANNEL_SECRET',
    ]);
  });

  it('refuses short verifying secrets, naming the variable and never echoing the value', () => {
    const p = problems({
      TELEGRAM_WEBHOOK_SECRET: 'hunter2',
      LINE_CHANNEL_SECRET: 'shortsecret',
      LINE_CHANNEL_ACCESS_TOKEN: 't',
      JWT_SECRET: 'also-short',
    });
    expect([...p].sort()).toEqual([
      'JWT_SECRET: length must be at least 32 characters long (got 10 characters)',
      'LINE_CHANNEL_SECRET: length must be at least 32 characters long (got 11 characters)',
      'TELEGRAM_WEBHOOK_SECRET: must be 32 to 256 characters of A-Z, a-z, 0-9, _ and - (got 7 characters)',
    ]);
    expect(p.join('\n')).not.toMatch(/hunter2|shortsecret|also-short/);
    expect(problems({ TELEGRAM_WEBHOOK_SECRET: 'a'.repeat(32) })).toEqual([]);
  });

  it('parses admin ids', () => {
    expect(loadConfig({ ADMIN_IDS: 'line:U123,telegram:42' }).adminIds).toEqual(['line:U123', 'telegram:42']);
    expect(problems({ ADMIN_IDS: 'nonsense' })[0]).toMatch(/^ADMIN_IDS:/);
  });
});

describe('payment credentials', () => {
  const prod = {
    NODE_ENV: 'production',
    JWT_SECRET: 'x'.repeat(32),
    DATABASE_URL: 'postgres://db/vidgo',
    PUBLIC_BASE_URL: 'https://vidgo.example',
  };
  const ecpay = {
    ECPAY_MERCHANT_ID: '3101234',
    ECPAY_HASH_KEY: 'k'.repeat(16),
    ECPAY_HASH_IV: 'i'.repeat(16),
    ECPAY_BASE_URL: 'https://payment.ecpay.com.tw',
  };

  it("refuses ECPay's published stage merchant, keys and server in production, one line per variable", () => {
    const p = problems(prod);
    expect(p.filter((l) => l.startsWith('ECPAY_')).map((l) => l.split(':')[0])).toEqual([
      'ECPAY_MERCHANT_ID',
      'ECPAY_HASH_KEY',
      'ECPAY_HASH_IV',
      'ECPAY_BASE_URL',
    ]);
    expect(p).toContain(
      "ECPAY_MERCHANT_ID: ECPay's published stage value (the default) is refused when NODE_ENV=production; set your own",
    );
    // The legacy stage merchant of the official SDK too, and a stage base URL with real keys.
    expect(problems({ ...prod, ...ecpay, ECPAY_MERCHANT_ID: '2000132' })).toEqual([
      "ECPAY_MERCHANT_ID: ECPay's published stage value is refused when NODE_ENV=production; set your own",
    ]);
    expect(problems({ ...prod, ...ecpay, ECPAY_BASE_URL: 'https://payment-stage.ecpay.com.tw' })[0]).toMatch(
      /^ECPAY_BASE_URL: ECPay's stage server is refused/,
    );
    expect(problems({ ...prod, ...ecpay })).toEqual([]);
    // Outside production the stage merchant is the embedded default.
    expect(loadConfig({}).ecpay).toMatchObject({
      merchantId: '3002607',
      baseUrl: 'https://payment-stage.ecpay.com.tw',
    });
  });

  it('makes production say sandbox or live for Paddle, checked against the key, token and API base', () => {
    const paddle = { PADDLE_API_KEY: 'pdl_live_apikey_01abc', PADDLE_WEBHOOK_SECRET: 'pdl_ntfset_x' };
    expect(problems({ ...prod, ...ecpay, ...paddle })).toEqual([
      'PADDLE_ENV: required with PADDLE_API_KEY when NODE_ENV=production (sandbox or live)',
    ]);
    expect(problems({ ...prod, ...ecpay, PADDLE_API_KEY: 'pdl_live_apikey_01abc', PADDLE_ENV: 'live' })).toEqual([
      'PADDLE_WEBHOOK_SECRET: required with PADDLE_API_KEY when NODE_ENV=production',
    ]);
    expect(problems({ ...prod, ...ecpay, ...paddle, PADDLE_ENV: 'sandbox' })).toEqual([
      'PADDLE_API_KEY: a live key, but PADDLE_ENV=sandbox',
    ]);
    expect(
      problems({ ...prod, ...ecpay, ...paddle, PADDLE_ENV: 'live', PADDLE_API_BASE: 'https://sandbox-api.paddle.com' }),
    ).toEqual(["PADDLE_API_BASE: Paddle's sandbox API, but PADDLE_ENV=live"]);
    expect(problems({ ...prod, ...ecpay, ...paddle, PADDLE_ENV: 'live', PADDLE_CLIENT_TOKEN: 'test_abc' })).toEqual([
      'PADDLE_CLIENT_TOKEN: a sandbox token, but PADDLE_ENV=live',
    ]);
    expect(
      problems({
        ...prod,
        ...ecpay,
        PADDLE_API_KEY: 'pdl_sdbx_apikey_01abc',
        PADDLE_WEBHOOK_SECRET: 'x',
        PADDLE_ENV: 'sandbox',
        PADDLE_API_BASE: 'https://api.paddle.com',
      }),
    ).toEqual(["PADDLE_API_BASE: Paddle's live API, but PADDLE_ENV=sandbox"]);
    const live = loadConfig({ ...prod, ...ecpay, ...paddle, PADDLE_ENV: 'live' });
    expect(live.paddle).toMatchObject({ env: 'live', apiBase: 'https://api.paddle.com' });
    expect(loadConfig({}).paddle.apiBase).toBe('https://sandbox-api.paddle.com');
  });
});

describe('.env.example', () => {
  it('loads as a valid configuration when copied to .env unchanged', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const before = { ...process.env };
    const file = path.join(os.tmpdir(), `env-example-${process.pid}`);
    fs.copyFileSync('.env.example', file);
    const names = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => l.split('=')[0]!);
    for (const n of names) delete process.env[n];
    try {
      process.loadEnvFile(file);
      const c = loadConfig(process.env, '/srv');
      expect(c.port).toBe(3000);
      expect(c.database.url).toBeUndefined();
    } finally {
      for (const n of names) delete process.env[n];
      Object.assign(process.env, before);
    }
  });

  it('lists every variable the configuration reads', async () => {
    const fs = await import('node:fs');
    const example = fs.readFileSync('.env.example', 'utf8');
    const source = fs.readFileSync('app/config.ts', 'utf8');
    const declared = [...source.matchAll(/^\s{2}([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1]!);
    expect(declared.length).toBeGreaterThan(40);
    expect(declared.filter((n) => !new RegExp(`^${n}=`, 'm').test(example))).toEqual([]);
  });
});
