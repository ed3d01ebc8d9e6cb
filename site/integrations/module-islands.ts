/**
 * Builds the islands of the course pages as self-contained, content-hashed scripts beside Astro's
 * own output: `site/scripts/module-islands.ts` (the practice quiz and case scenario of module pages)
 * `site/scripts/assessment-island.ts` (the graded final assessment) and `site/scripts/evaluation-island.ts`
 * (the pre-test and questionnaires of a course's evaluation).
 *
 * Why not Astro islands: in one shared build the Svelte runtime is split into chunks that carry every
 * feature any island on the site uses (the dashboards use many), and each island page also loads
 * Astro's island bootstrap. A module page with one quiz shipped ~28–30 KB gzip that way; built on its
 * own it is ~20 KB, inside the course site's 25 KB budget (tests/e2e/budget.test.ts). The assessment
 * page had the same problem (29.2 KB as an Astro island); built on its own it fits too. The two are
 * separate files so a module page never downloads the assessment and the other way round.
 *
 * The scripts' URLs reach the pages as `import.meta.env.OBERIH_ISLANDS_URL` and
 * `import.meta.env.OBERIH_ASSESSMENT_URL`; the files are written to `_astro/` when the build is done,
 * and served from memory by `astro dev` (built once at start-up: restart dev after editing the quiz
 * components).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { build, type Rollup } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export interface IslandBundle {
  /** File name inside `_astro/`, with a content hash. */
  fileName: string;
  code: string;
}

/**
 * The bundles: the define that carries each one's URL, its entry script (`site/scripts/<entry>.ts`)
 * and its format. The header script is a classic (`iife`) script: it runs as soon as the parser
 * reaches it, before the rest of the page is laid out, so showing who is signed in shifts nothing.
 */
export const ISLAND_BUNDLES = {
  OBERIH_ISLANDS_URL: { entry: 'module-islands', format: 'es' },
  OBERIH_ASSESSMENT_URL: { entry: 'assessment-island', format: 'es' },
  OBERIH_EVALUATION_URL: { entry: 'evaluation-island', format: 'es' },
  OBERIH_HEADER_URL: { entry: 'site-header', format: 'iife' },
  OBERIH_SIGN_OUT_URL: { entry: 'sign-out-now', format: 'es' },
} as const;

/** Bundle one entry script (default: the module-page islands) for this mode (`platform` | `scorm`). */
export async function buildModuleIslands(opts: {
  mode: string;
  compilerOptions: Record<string, unknown>;
  entry?: string;
  format?: 'es' | 'iife';
}): Promise<IslandBundle> {
  const entry = opts.entry ?? 'module-islands';
  const out = (await build({
    configFile: false,
    root: path.resolve('.'),
    // Errors only: Astro's own build of the same components is silent too.
    logLevel: 'error',
    // Production whatever NODE_ENV says (the test runner sets `test`, which would compile Svelte in dev mode).
    mode: 'production',
    plugins: [svelte({ configFile: false, compilerOptions: { ...opts.compilerOptions, dev: false } })],
    // Production builds of Svelte's helpers (see astro.config.mjs).
    resolve: { conditions: ['module', 'browser', 'production'] },
    define: { 'process.env.NODE_ENV': '"production"', 'import.meta.env.OBERIH_MODE': JSON.stringify(opts.mode) },
    build: {
      write: false,
      target: 'es2022',
      minify: 'terser',
      modulePreload: false,
      cssCodeSplit: false,
      rollupOptions: {
        input: path.resolve(`site/scripts/${entry}.ts`),
        output: { format: opts.format ?? 'es', inlineDynamicImports: true, entryFileNames: `${entry}.[hash].js` },
      },
    },
  })) as Rollup.RollupOutput | Rollup.RollupOutput[];
  const outputs = Array.isArray(out) ? out : [out];
  const chunk = outputs.flatMap((o) => o.output).find((f): f is Rollup.OutputChunk => f.type === 'chunk' && f.isEntry);
  if (!chunk) throw new Error(`${entry}: the bundle has no entry chunk`);
  return { fileName: chunk.fileName, code: chunk.code };
}

export function moduleIslands(opts: { mode: string; compilerOptions: Record<string, unknown> }): AstroIntegration {
  const bundles = new Map<string, IslandBundle>();
  const url = (b: IslandBundle) => `/_astro/${b.fileName}`;
  return {
    name: 'oberih:module-islands',
    hooks: {
      'astro:config:setup': async ({ updateConfig, logger }) => {
        const define: Record<string, string> = {};
        for (const [key, { entry, format }] of Object.entries(ISLAND_BUNDLES)) {
          const bundle = await buildModuleIslands({ ...opts, entry, format });
          bundles.set(url(bundle), bundle);
          define[`import.meta.env.${key}`] = JSON.stringify(url(bundle));
          logger.info(`${entry}: ${url(bundle)} (${bundle.code.length} bytes)`);
        }
        updateConfig({ vite: { define } });
      },
      'astro:server:setup': ({ server }) => {
        server.middlewares.use((req, res, next) => {
          const bundle = bundles.get(req.url ?? '');
          if (!bundle) return next();
          res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
          res.end(bundle.code);
        });
      },
      'astro:build:done': ({ dir }) => {
        for (const bundle of bundles.values()) {
          const file = path.join(fileURLToPath(dir), '_astro', bundle.fileName);
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, bundle.code);
        }
      },
    },
  };
}
