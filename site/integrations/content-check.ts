/**
 * Validates the whole content tree before Astro builds anything, so a malformed course file fails
 * the build with the file, line and field (instead of a stack trace from deep inside a page).
 */
import fs from 'node:fs';
import type { AstroIntegration } from 'astro';
import { contentFsFrom, loadCatalog } from '../../courses/catalog.ts';
import { ContentError } from '../../courses/parse.ts';
import { failing, poolProblems, poolRuleMode } from '../../courses/pool-rules.ts';

export function contentCheck({ contentDir }: { contentDir: string }): AstroIntegration {
  return {
    name: 'oberih:content-check',
    hooks: {
      'astro:config:setup': ({ logger }) => {
        try {
          const catalog = loadCatalog(contentFsFrom(fs), contentDir, { withPools: true });
          // Pool rules (issue #18): reported only with OBERIH_POOL_RULE=warn, else they fail the build.
          const problems = [...catalog.courses.values()].flatMap(poolProblems);
          const fatal = failing(problems, poolRuleMode(process.env));
          for (const p of problems) if (!fatal.includes(p)) logger.warn(`[${p.rule}] ${p.course}: ${p.message}`);
          if (fatal.length)
            throw new ContentError(
              'assessment.yaml',
              fatal.map((p) => ({ field: `${p.course} ${p.rule}`, message: p.message })),
            );
          logger.info(`content OK: ${catalog.courses.size} course(s), ${catalog.glossary.size} glossary terms`);
        } catch (e) {
          if (e instanceof ContentError) {
            const err = new Error(e.message);
            err.name = 'ContentError';
            err.stack = e.message;
            throw err;
          }
          throw e;
        }
      },
    },
  };
}
