/**
 * V8's explicit compile hint (`//# allFunctionsCalledOnLoad`, Chromium 136+) at the top of the
 * browser chunks a page runs as soon as it loads them: the cohort dashboard's island (with the Svelte
 * runtime chunks it imports) and Chart.js.
 *
 * Without it V8 compiles each function the first time it is called, on the main thread: measured on
 * the dashboard at CPU ×4 (issue #26 item 4), that lazy compilation was about half of every long task
 * after the first paint (60 of 100 ms mounting the island, 136 of 306 ms drawing the first chart).
 * With it, the whole file is compiled eagerly while it is streamed in, on a background thread.
 * Browsers without the hint read a comment. Only chunks whose functions are mostly called on load are
 * marked: eager compilation of code that never runs would only cost memory.
 */
import type { Plugin, Rollup } from 'vite';

export const COMPILE_HINT = '//# allFunctionsCalledOnLoad\n';

/** Marks every client chunk holding a module that matches `entries`, and the chunks it imports statically. */
export function compileHints(entries: RegExp[]): Plugin {
  const wanted = (chunk: Rollup.RenderedChunk) => chunk.moduleIds.some((id) => entries.some((re) => re.test(id)));
  return {
    name: 'oberih:compile-hints',
    apply: 'build',
    applyToEnvironment: (env) => env.config.consumer === 'client',
    // After minification, before the file names' content hashes are computed (so they change with it).
    renderChunk: {
      order: 'post',
      handler(code, chunk, _options, { chunks }) {
        // Marked: a wanted chunk, or one that a wanted chunk imports, directly or not.
        const seen = new Set<string>();
        const reaches = (file: string): boolean => {
          const c = chunks[file];
          if (!c || seen.has(file)) return false;
          seen.add(file);
          return c.imports.includes(chunk.fileName) || c.imports.some(reaches);
        };
        const marked = wanted(chunk) || Object.keys(chunks).some((f) => wanted(chunks[f]!) && reaches(f));
        return marked && !code.startsWith(COMPILE_HINT) ? { code: COMPILE_HINT + code, map: null } : null;
      },
    },
  };
}
