// `node dist/app/s3-setup.js`: prepares S3_BUCKET (created when missing, public prefixes readable by anyone) and
// exits; docker-compose runs it once before the app replicas (`service_completed_successfully`).
import { ConfigError, loadConfig } from './config.ts';
import { prepareBucket } from '../infra/media/s3-setup.ts';

try {
  const config = loadConfig();
  if (!config.s3) throw new ConfigError(['S3_BUCKET: required for s3-setup']);
  await prepareBucket(config.s3, { log: (m) => process.stdout.write(`s3-setup: ${m}\n`) });
} catch (err) {
  const lines = err instanceof ConfigError ? err.problems : [(err as Error).message];
  for (const line of lines) process.stderr.write(`s3-setup failed: ${line}\n`);
  process.exit(1);
}
