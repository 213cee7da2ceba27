// Browser tests: Debian's chromium through playwright-core, and the web app built by Vite into a folder of the test's
// own (never web/app/dist, which another test may be reading).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Builds the web app into a new temporary folder and returns it (remove it with fs.rmSync when done). */
export async function buildWebApp(prefix: string): Promise<string> {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  await build({ configFile: 'web/app/vite.config.ts', logLevel: 'warn', build: { outDir: dist, emptyOutDir: true } });
  return dist;
}
