/**
 * Builds `site/scripts/module-islands.ts` (the practice quiz and case scenario islands of module
 * pages) as one self-contained, content-hashed script beside Astro's own output.
 *
 * Why not Astro islands: in one shared build the Svelte runtime is split into chunks that carry every
 * feature any island on the site uses (the dashboards use many), and each island page also loads
 * Astro's island bootstrap. A module page with one quiz shipped ~28–30 KB gzip that way; built on its
 * own it is ~20 KB, inside the course site's 25 KB budget (tests/e2e/budget.test.ts).
 *
 * The script's URL reaches the pages as `import.meta.env.OBERIH_ISLANDS_URL`; the file is written to
 * `_astro/` when the build is done, and served from memory by `astro dev` (built once at start-up:
 * restart dev after editing the quiz components).
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

/** Bundle the module-page islands for this mode (`platform` | `scorm`). */
export async function buildModuleIslands(opts: {
  mode: string;
  compilerOptions: Record<string, unknown>;
}): Promise<IslandBundle> {
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
        input: path.resolve('site/scripts/module-islands.ts'),
        output: { format: 'es', inlineDynamicImports: true, entryFileNames: 'module-islands.[hash].js' },
      },
    },
  })) as Rollup.RollupOutput | Rollup.RollupOutput[];
  const outputs = Array.isArray(out) ? out : [out];
  const chunk = outputs.flatMap((o) => o.output).find((f): f is Rollup.OutputChunk => f.type === 'chunk' && f.isEntry);
  if (!chunk) throw new Error('module islands: the bundle has no entry chunk');
  return { fileName: chunk.fileName, code: chunk.code };
}

export function moduleIslands(opts: { mode: string; compilerOptions: Record<string, unknown> }): AstroIntegration {
  let bundle: IslandBundle | undefined;
  const url = () => `/_astro/${bundle!.fileName}`;
  return {
    name: 'oberih:module-islands',
    hooks: {
      'astro:config:setup': async ({ updateConfig, logger }) => {
        bundle = await buildModuleIslands(opts);
        logger.info(`module-page islands: ${url()} (${bundle.code.length} bytes)`);
        updateConfig({ vite: { define: { 'import.meta.env.OBERIH_ISLANDS_URL': JSON.stringify(url()) } } });
      },
      'astro:server:setup': ({ server }) => {
        server.middlewares.use((req, res, next) => {
          if (!bundle || req.url !== url()) return next();
          res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
          res.end(bundle.code);
        });
      },
      'astro:build:done': ({ dir }) => {
        const file = path.join(fileURLToPath(dir), '_astro', bundle!.fileName);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, bundle!.code);
      },
    },
  };
}
