/**
 * `npx tsx scripts/check-content.ts [content-dir]`: validate every course file and print a summary.
 * Then the pool rules (courses/pool-rules.ts): pool size, module share, practice repeating graded items,
 * and SCORM pool overlap (OBERIH_POOL_RULE=warn reports the first three without failing, for a course
 * being written; an overlap between the SCORM pool and the platform pool always fails). Then the
 * source rules (content-checks/sources.ts): every figure and statute carries its source.
 */
import fs from 'node:fs';
import { loadCatalog, contentFsFrom } from '../courses/catalog.ts';
import { ContentError } from '../courses/parse.ts';
import { failing, poolProblems, poolRuleMode } from '../courses/pool-rules.ts';
import { checkSources } from './content-checks/sources.ts';

const root = process.argv[2] ?? 'content';
try {
  const catalog = loadCatalog(contentFsFrom(fs), root);
  for (const [slug, c] of catalog.courses) {
    console.log(
      `${slug}: ${c.course.modules.length} modules, ${c.scenarios.size} scenarios, ${[...c.practice.values()].flat().length} practice questions, pool ${c.pool?.length ?? 0}, SCORM pool ${c.scormPool?.length ?? 'none (no graded assessment in its packages)'}`,
    );
  }
  let failed = false;
  const mode = poolRuleMode(process.env);
  const problems = [...catalog.courses.values()].flatMap(poolProblems);
  const fatal = failing(problems, mode);
  for (const p of problems) {
    const fails = fatal.includes(p);
    (fails ? console.error : console.warn)(`${fails ? 'error' : 'warning'} [${p.rule}] ${p.course}: ${p.message}`);
  }
  if (fatal.length) {
    console.error(
      `${fatal.length} pool rule violation(s)${mode === 'fail' ? ' (OBERIH_POOL_RULE=warn reports pool-size, module-share and practice-repeat without failing)' : ''}`,
    );
    failed = true;
  }
  // Every fact carries its source (issue #20): figures in Callouts/KeyPoints, statute headings in content/legal.
  const unsourced = checkSources(catalog, (file) => fs.readFileSync(`${root}/${file}`, 'utf8'));
  for (const p of unsourced) console.error(`${p.where} → ${p.message}`);
  if (unsourced.length > 0) {
    console.error(`${unsourced.length} source problem(s)`);
    failed = true;
  }
  if (failed) process.exit(1);
  console.log(`glossary ${catalog.glossary.size} terms, ${catalog.legal.size} legal acts: OK`);
} catch (e) {
  if (e instanceof ContentError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
