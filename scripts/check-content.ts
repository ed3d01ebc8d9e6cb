/**
 * `npx tsx scripts/check-content.ts [content-dir]`: validate every course file and print a summary.
 * Then the pool rules (courses/pool-rules.ts): pool size, module share, practice repeating graded items,
 * and SCORM pool overlap. With OBERIH_POOL_RULE=warn the first three are reported without failing;
 * an overlap between the SCORM pool and the platform pool always fails.
 */
import fs from 'node:fs';
import { loadCatalog, contentFsFrom } from '../courses/catalog.ts';
import { ContentError } from '../courses/parse.ts';
import { failing, poolProblems, poolRuleMode } from '../courses/pool-rules.ts';

const root = process.argv[2] ?? 'content';
try {
  const catalog = loadCatalog(contentFsFrom(fs), root);
  for (const [slug, c] of catalog.courses) {
    console.log(
      `${slug}: ${c.course.modules.length} modules, ${c.scenarios.size} scenarios, ${[...c.practice.values()].flat().length} practice questions, pool ${c.pool?.length ?? 0}, SCORM pool ${c.scormPool?.length ?? 'none (no graded assessment in its packages)'}`,
    );
  }
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
