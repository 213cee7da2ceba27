// docker-compose.yml and the Dockerfile, checked with no Docker at all: the compose file is validated in-process
// against the Compose Specification's JSON schema (tests/foundation/schemas/compose-spec.json, vendored from the
// compose-spec repository; see tests/foundation/schemas/README.md), then the wiring the app needs is checked. Where
// a compose binary exists, `docker compose config` must accept the file too.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../app/config.ts';
import { FORCED_EXIT_MS } from '../../app/stop-budget.ts';
import { PUBLIC_PREFIXES, publicReadPolicy } from '../../infra/media/s3-setup.ts';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  restart?: string;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; start_period?: string };
  stop_grace_period?: string;
  volumes?: string[];
  user?: string;
}
const text = fs.readFileSync('docker-compose.yml', 'utf8');
const doc = parse(text, { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = doc.services;
const app = services.app!;
const dockerfile = fs.readFileSync('Dockerfile', 'utf8');

const schema = JSON.parse(fs.readFileSync('tests/foundation/schemas/compose-spec.json', 'utf8'));
// The schema names draft-07 by its https URI, which Ajv knows under http: validate with draft-07 rules as is.
delete schema.$schema;
const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);

const seconds = (d: string) => {
  const m = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(d);
  return m ? Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) : Number.NaN;
};

describe('docker-compose.yml', () => {
  it('is valid by the Compose Specification schema (and the validator does refuse a broken file)', () => {
    expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
    const broken = parse(text);
    broken.services.app.depends_on.postgres.condition = 'service_started_eventually';
    broken.services.redis.restart_policy = 'always'; // not a Compose key
    expect(validate(broken)).toBe(false);
    expect(validate.errors!.map((e) => e.instancePath)).toEqual(
      expect.arrayContaining(['/services/app/depends_on/postgres/condition', '/services/redis']),
    );
  });

  it('passes every platform, provider, Gemini and payment variable of app/config.ts through from the host', () => {
    const env = app.environment!;
    // `${NAME:-}` (unset stays unset), or `${NAME:-default}` where production needs a different default.
    const passThrough = (name: string) => env[name]?.startsWith(`\${${name}:-`) && env[name]!.endsWith('}');
    const outside = CONFIG_VARIABLES.filter((n) =>
      /^(LINE|TELEGRAM|DISCORD|LEONARDO|RUNWAY|POLLO|GOENHANCE|GEMINI|ECPAY|PADDLE)_/.test(n),
    );
    expect(outside.length).toBeGreaterThan(30);
    expect(outside.filter((n) => !passThrough(n))).toEqual([]);
    // Everything else is either set by the compose file or deliberately left to the image (paths inside it).
    const imageOwned = ['HOST', 'DATA_DIR', 'EMBEDDED_PG_PORT', 'FFMPEG_PATH', 'FFPROBE_PATH'];
    expect(CONFIG_VARIABLES.filter((n) => !(n in env) && !imageOwned.includes(n))).toEqual([]);
    expect(Object.keys(env).filter((n) => !CONFIG_VARIABLES.includes(n))).toEqual([]); // no stray names
    expect(env.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?/);
    // Production ECPay: the live server by default; the operator's merchant passes through (unset stays empty,
    // which production refuses by name), as does Paddle's sandbox/live choice.
    expect(env.ECPAY_BASE_URL).toBe('${ECPAY_BASE_URL:-https://payment.ecpay.com.tw}');
    expect(env.ECPAY_MERCHANT_ID).toBe('${ECPAY_MERCHANT_ID:-}');
    expect(env.PADDLE_ENV).toBe('${PADDLE_ENV:-}');
    expect(env).toMatchObject({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://vidgo:vidgo@postgres:5432/vidgo',
      REDIS_URL: 'redis://redis:6379/0',
      JOBS_URL: 'mongodb://mongo:27017/vidgo-jobs',
      S3_ENDPOINT: 'http://seaweedfs:8333',
      S3_BUCKET: 'vidgo-media',
    });
  });

  it('starts the app after its services are healthy and the bucket exists', () => {
    expect(app.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
      mongo: { condition: 'service_healthy' },
      seaweedfs: { condition: 'service_healthy' },
      's3-setup': { condition: 'service_completed_successfully' },
    });
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        if (condition === 'service_healthy')
          expect(services[dep]?.healthcheck, `${name} waits for ${dep}'s health check`).toBeDefined();
      }
    }
    const setup = services['s3-setup']!;
    expect(setup.command).toEqual(['node', 'dist/app/s3-setup.js']);
    expect(fs.existsSync('app/s3-setup.ts')).toBe(true);
    expect(setup.restart).toBe('no');
    expect(setup.depends_on).toEqual({ seaweedfs: { condition: 'service_healthy' } });
    expect(setup.environment).toEqual(app.environment);
  });

  it('restarts long-running services, gives health checks a start period and the app time to stop', () => {
    for (const [name, s] of Object.entries(services)) {
      if (name === 's3-setup') continue;
      expect(s.restart, name).toBe('unless-stopped');
      expect(s.healthcheck?.start_period, name).toMatch(/^\d+s$/);
    }
    expect(seconds(app.stop_grace_period!) * 1000).toBeGreaterThan(FORCED_EXIT_MS);
  });

  it('pins every image to a version, and uses no MinIO image', () => {
    for (const [name, s] of Object.entries(services)) {
      if (s.build) {
        expect(s.image, name).toBe('vidgo-bot:local');
        continue;
      }
      expect(s.image, name).toMatch(/^[\w./-]+:\d+\.\d+[\w.-]*$/);
      expect(s.image, name).not.toMatch(/minio|:latest/);
    }
    expect(services.seaweedfs!.image).toMatch(/^chrislusf\/seaweedfs:\d+\.\d+$/);
  });

  it('lets anyone read the public media prefixes only, never private/ (clean masters)', () => {
    const policy = publicReadPolicy('vidgo-media');
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0]!.Action).toEqual(['s3:GetObject']);
    expect(policy.Statement[0]!.Resource.sort()).toEqual(
      PUBLIC_PREFIXES.map((p) => `arn:aws:s3:::vidgo-media/${p}*`).sort(),
    );
    expect(JSON.stringify(policy)).not.toMatch(/private|vidgo-media\/\*/);
  });

  it('is accepted by `docker compose config` where a compose binary exists', () => {
    const compose = [['docker', 'compose'], ['docker-compose']].find((cmd) => {
      try {
        execFileSync(cmd[0]!, [...cmd.slice(1), 'version'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    });
    const render = (jwtSecret: string) =>
      execFileSync(compose![0]!, [...compose!.slice(1), '-f', 'docker-compose.yml', 'config', '-q'], {
        env: { ...process.env, JWT_SECRET: jwtSecret },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    if (compose) {
      expect(() => render('x'.repeat(32))).not.toThrow();
      expect(() => render('')).toThrow(/JWT_SECRET/);
    } else {
      // No compose binary here: the schema validation above is the check.
      expect(compose).toBeUndefined();
    }
  });
});

describe('Dockerfile', () => {
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const final = stages.at(-1)!;

  it('builds in stages on a pinned Node 24 LTS slim image and ships production dependencies only', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24\.\d+\.\d+-\w+-slim$/m);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(final).toMatch(/COPY --from=prod-deps \/app\/node_modules/);
    expect(final).toMatch(/COPY --from=build \/src\/dist/);
    expect(final).not.toMatch(/^COPY \. /m); // no sources or tests in the final image
    expect(final).toMatch(/CMD \["node", "--enable-source-maps", "dist\/app\/main\.js"\]/);
    expect(final).not.toMatch(/tsx/);
  });

  it('runs as a non-root user with a writable data volume, tini as PID 1 and a health check', () => {
    expect(final).toMatch(/^USER node$/m);
    expect(final).toMatch(/chown node:node \/data/);
    expect(final).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(final).toMatch(/DATA_DIR=\/data/);
    expect(final).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m);
    expect(final).toMatch(/apt-get install -y --no-install-recommends ffmpeg tini/);
    expect(final).toMatch(/^HEALTHCHECK .*--start-period=\d+s/m);
  });

  it('keeps .env and local state out of the image', () => {
    const ignored = fs.readFileSync('.dockerignore', 'utf8').split('\n');
    for (const p of ['.env', '.env.*', '.data', 'node_modules', 'dist', '.git']) expect(ignored).toContain(p);
  });
});
