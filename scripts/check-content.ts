/** `npx tsx scripts/check-content.ts [content-dir]`: validate every course file and print a summary. */
import fs from 'node:fs';
import { loadCatalog, contentFsFrom } from '../courses/catalog.ts';
import { ContentError } from '../courses/parse.ts';
import { checkSources } from './content-checks/sources.ts';

const root = process.argv[2] ?? 'content';
try {
  const catalog = loadCatalog(contentFsFrom(fs), root);
  for (const [slug, c] of catalog.courses) {
    console.log(
      `${slug}: ${c.course.modules.length} modules, ${c.scenarios.size} scenarios, ${[...c.practice.values()].flat().length} practice questions, pool ${c.pool?.length ?? 0}`,
    );
  }
  // Every fact carries its source (issue #20): figures in Callouts/KeyPoints, statute headings in content/legal.
  const unsourced = checkSources(catalog, (file) => fs.readFileSync(`${root}/${file}`, 'utf8'));
  for (const p of unsourced) console.error(`${p.where} → ${p.message}`);
  if (unsourced.length > 0) {
    console.error(`${unsourced.length} source problem(s)`);
    process.exit(1);
  }
  console.log(`glossary ${catalog.glossary.size} terms, ${catalog.legal.size} legal acts: OK`);
} catch (e) {
  if (e instanceof ContentError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
