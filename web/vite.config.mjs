// The dashboard build: one JS and one CSS file (no code splitting), so that
// `headroom report` can inline them into a single self-contained HTML file.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    cssCodeSplit: false,
    assetsInlineLimit: 100_000,
    modulePreload: false,
    reportCompressedSize: false,
    target: 'es2022',
  },
});
