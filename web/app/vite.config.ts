// Builds the Svelte app into web/app/dist (served by hapi through @hapi/inert; see web/routes/app-static.ts).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [svelte()],
  build: { outDir: path.join(root, 'dist'), emptyOutDir: true, assetsDir: 'assets', target: 'es2020' },
});
