/**
 * Validates the whole content tree before Astro builds anything, so a malformed course file fails
 * the build with the file, line and field (instead of a stack trace from deep inside a page).
 */
import fs from 'node:fs';
import type { AstroIntegration } from 'astro';
import { contentFsFrom, loadCatalog } from '../../courses/catalog.ts';
import { ContentError } from '../../courses/parse.ts';

export function contentCheck({ contentDir }: { contentDir: string }): AstroIntegration {
  return {
    name: 'oberih:content-check',
    hooks: {
      'astro:config:setup': ({ logger }) => {
        try {
          const catalog = loadCatalog(contentFsFrom(fs), contentDir, { withPools: true });
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
