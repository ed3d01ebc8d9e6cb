// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import svelte from '@astrojs/svelte';
import { contentCheck } from './site/integrations/content-check.ts';
import { moduleIslands } from './site/integrations/module-islands.ts';
import { compileHints } from './site/integrations/compile-hints.ts';

/** Which content tree to build (tests build a small fixture tree). */
const contentDir = process.env.CONTENT_DIR ?? './content';
/** `platform` (default: served with the API) or `scorm` (packaged for an LMS; no API). */
const mode = process.env.OBERIH_MODE ?? 'platform';
/** Svelte compiler options, shared by Astro's islands and the module-page islands bundle. */
const compilerOptions = { discloseVersion: false };

export default defineConfig({
  srcDir: './site',
  // One cache per content tree and mode: the content layer's store would otherwise carry entries
  // from one tree into a build of another (tests build a fixture tree beside the real one).
  cacheDir: `./node_modules/.astro/${mode}-${contentDir.replace(/[^a-z0-9]+/gi, '_')}`,
  outDir: process.env.SITE_OUT ?? (mode === 'scorm' ? './dist/scorm-site' : './dist/site'),
  publicDir: './site/public',
  trailingSlash: 'always',
  build: { format: 'directory', inlineStylesheets: 'always' },
  i18n: {
    defaultLocale: 'uk',
    locales: ['uk', 'en'],
    routing: { prefixDefaultLocale: true, redirectToDefaultLocale: false },
  },
  integrations: [
    contentCheck({ contentDir }),
    moduleIslands({ mode, compilerOptions }),
    mdx(),
    svelte({ compilerOptions }),
  ],
  vite: {
    // The cohort dashboard's island and Chart.js: compiled off the main thread as they load (issue #26).
    plugins: [
      compileHints([
        /site\/components\/dashboard\/(CohortDashboard|CohortCharts|ChartFigure)\.svelte$/,
        /\/chart-setup\.ts$/,
      ]),
    ],
    // No inlined scripts: the CSP allows only our own script files (and hashed island bootstraps).
    // modulePreload off: the preload helper costs ~0.7 KB gzip on every page that lazy-loads a chunk.
    build: {
      assetsInlineLimit: 0,
      modulePreload: false,
    },
    // Resolve Svelte's `esm-env` to its production build: without the "production" condition its
    // development warnings stay in the browser bundle (dead at runtime, but ~8 KB gzip shipped).
    resolve: { conditions: ['module', 'browser', 'production'] },
    define: {
      'import.meta.env.OBERIH_MODE': JSON.stringify(mode),
      'import.meta.env.CONTENT_DIR': JSON.stringify(contentDir),
    },
  },
  devToolbar: { enabled: false },
});
