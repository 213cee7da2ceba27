// docker-compose.yml is checked by Docker's own parser (`docker compose config`, or docker-compose v1 where the
// plugin is absent; .ci/run installs Debian's docker-compose when neither is there).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function composeCommand(): string[] {
  for (const cmd of [['docker', 'compose'], ['docker-compose']]) {
    try {
      execFileSync(cmd[0]!, [...cmd.slice(1), 'version'], { stdio: 'ignore' });
      return cmd;
    } catch { /* try the next */ }
  }
  throw new Error('neither `docker compose` nor `docker-compose` is installed (apt-get install docker-compose)');
}

const compose = composeCommand();
const render = (jwtSecret: string) =>
  execFileSync(compose[0]!, [...compose.slice(1), '-f', 'docker-compose.yml', 'config'], {
    env: { ...process.env, JWT_SECRET: jwtSecret }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });

describe('docker-compose.yml', () => {
  const out = render('x'.repeat(32));
  const service = (name: string) => {
    const m = out.match(new RegExp(`\\n  ${name}:\\n([\\s\\S]*?)(?=\\n  [a-z-]+:\\n|\\n[a-z]+:|$)`));
    expect(m, `service ${name}`).not.toBeNull();
    return m![1]!;
  };

  it('has the app and its backing services, each with a health check', () => {
    for (const s of ['app', 'postgres', 'redis', 'mongo', 'minio']) expect(service(s)).toMatch(/healthcheck:/);
    expect(service('postgres')).toMatch(/image: postgres:15/);
    expect(service('redis')).toMatch(/image: redis:7/);
    expect(service('mongo')).toMatch(/image: mongo:7/);
  });

  it('wires the app to them and waits for them to be healthy', () => {
    const app = service('app');
    expect(app).toMatch(/DATABASE_URL: postgres:\/\/vidgo:vidgo@postgres:5432\/vidgo/);
    expect(app).toMatch(/JOBS_URL: mongodb:\/\/mongo:27017/);
    expect(app).toMatch(/REDIS_URL: redis:\/\/redis:6379/);
    expect(app).toMatch(/S3_ENDPOINT: http:\/\/minio:9000/);
    for (const s of ['postgres', 'redis', 'mongo', 'minio']) expect(app).toMatch(new RegExp(`${s}:\\n\\s+condition: service_healthy`));
    // Production ECPay: the operator's merchant passes through (unset stays empty, which production refuses by name).
    expect(app).toMatch(/ECPAY_BASE_URL: https:\/\/payment\.ecpay\.com\.tw/);
    expect(app).toMatch(/ECPAY_MERCHANT_ID: (''|"")/);
    expect(app).toMatch(/PADDLE_ENV: (''|"")/);
  });

  it('grants anonymous download on the public media prefixes only, never on private/ (clean masters)', () => {
    const setup = service('minio-setup').replace(/\s+/g, ' '); // the rendered YAML folds long lines
    const grants = [...setup.matchAll(/mc anonymous set download local\/vidgo-media(\/[\w-]*)?/g)].map((m) => m[1] ?? '');
    expect(grants.sort()).toEqual(['/demo', '/generations', '/styles']);
    expect(setup).toMatch(/mc anonymous set none local\/vidgo-media /);
    expect(setup).not.toMatch(/private/);
  });

  it('refuses to render without JWT_SECRET', () => {
    expect(() => render('')).toThrow(/JWT_SECRET/);
  });
});
