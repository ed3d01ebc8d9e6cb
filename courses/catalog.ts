/**
 * Loads and cross-checks every authored file under `content/`. Pure: the caller hands in a tiny
 * file-system interface, so the same code runs in the Astro build, the API and tests (with fixtures).
 */
import { z } from 'zod';
import { ContentError, parseYamlWith, splitFrontmatter } from './parse.ts';
import { courseSchema, type Course } from './schema/course.ts';
import {
  lessonPlanFrontmatterSchema,
  moduleFrontmatterSchema,
  MODULE_FILE,
  type LessonPlanFrontmatter,
  type ModuleFrontmatter,
} from './schema/module.ts';
import { assessmentFileSchema, questionSetSchema, type Question } from './schema/question.ts';
import { scenarioSchema, type Scenario } from './schema/scenario.ts';
import { glossaryFileSchema, type Term } from './schema/glossary.ts';
import { legalFileSchema, type LegalAct, type LegalActEntry } from './schema/legal.ts';
import { LOCALES, type Locale } from './schema/common.ts';
import { helpSchema, type Help } from './schema/help.ts';
import { evaluationFileSchema, type FollowUp, type Pretest, type Reaction } from './schema/evaluation.ts';

export interface ContentFs {
  /** Names in a directory (files and folders), or [] when it does not exist. */
  list(path: string): string[];
  read(path: string): string;
  exists(path: string): boolean;
}

export interface ModulePage {
  id: string;
  locale: Locale;
  /** 1-based position in the course. */
  index: number;
  /** Path relative to the content root, e.g. `courses/x/uk/01-intro.mdx`. */
  file: string;
  data: ModuleFrontmatter;
  body: string;
}

export interface LessonPlanPage {
  module: string;
  locale: Locale;
  file: string;
  data: LessonPlanFrontmatter;
  body: string;
}

export interface LoadedCourse {
  course: Course;
  modules: Record<Locale, ModulePage[]>;
  /** Printable lesson plans, per locale (optional; both locales must have the same plans). */
  plans: Record<Locale, LessonPlanPage[]>;
  scenarios: Map<string, Scenario>;
  practice: Map<string, Question[]>;
  /** The graded pool, or null. Only the server and check-content read it (never the SCORM build). */
  pool: Question[] | null;
  /** The SCORM package's own pool (`assessment.yaml` → `scormPool`), or null. */
  scormPool: Question[] | null;
  /** `evaluation.yaml`, or null when the course has none (see docs/evaluation.md). */
  evaluation: LoadedEvaluation | null;
}

/**
 * A course's evaluation. The questionnaires are public; the pre-test's pool (with its keys) is read only
 * with the pools (`withPools: true`), like the graded pool: otherwise `pretest.pool` is null.
 */
export interface LoadedEvaluation {
  reaction: Reaction;
  followUp: FollowUp;
  pretest: { questions: number; pool: Pretest['pool'] | null };
}

export interface Catalog {
  courses: Map<string, LoadedCourse>;
  /** The help and reporting page, when `help/contacts.yaml` exists. */
  help: Help | null;
  glossary: Map<string, Term>;
  legal: Map<string, LegalAct>;
}

const CALLOUT_TYPES = ['note', 'warning', 'law', 'practice'];

function yamlFiles(fs: ContentFs, dir: string): string[] {
  return fs
    .list(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
}

/** Load the whole content tree at `root` (the `content/` folder). Throws `ContentError` on the first bad file. */
/**
 * `withPools`: true (the default) reads both pools; false reads neither (the platform build: no key may
 * reach a page); 'scorm' reads only the SCORM pool and drops the graded assessment of a course that has
 * none, so a SCORM package never carries the platform's pool.
 */
export function loadCatalog(fs: ContentFs, root: string, opts: { withPools?: boolean | 'scorm' } = {}): Catalog {
  const glossary = new Map<string, Term>();
  for (const f of yamlFiles(fs, `${root}/glossary`)) {
    const file = `glossary/${f}`;
    for (const [i, t] of parseYamlWith(glossaryFileSchema, fs.read(`${root}/${file}`), file).terms.entries()) {
      if (glossary.has(t.id))
        throw new ContentError(file, [
          { field: `terms.${i}.id`, message: `term "${t.id}" is already defined in another glossary file` },
        ]);
      glossary.set(t.id, t);
    }
  }
  const entries: { file: string; i: number; act: LegalActEntry }[] = [];
  for (const f of yamlFiles(fs, `${root}/legal`)) {
    const file = `legal/${f}`;
    parseYamlWith(legalFileSchema, fs.read(`${root}/${file}`), file).acts.forEach((act, i) =>
      entries.push({ file, i, act }),
    );
  }
  const legal = new Map<string, LegalAct>();
  // Definitions first (entries with a title), then the files that only add articles.
  for (const { file, i, act } of [...entries.filter((e) => e.act.title), ...entries.filter((e) => !e.act.title)]) {
    const known = legal.get(act.id);
    if (known && act.title)
      throw new ContentError(file, [
        { field: `acts.${i}`, message: `act "${act.id}" is defined twice; another file may only add "articles"` },
      ]);
    if (!known && !(act.short && act.title && act.url))
      throw new ContentError(file, [
        { field: `acts.${i}`, message: `act "${act.id}" is not defined elsewhere, so it needs short, title and url` },
      ]);
    if (!known) {
      legal.set(act.id, { ...act, articles: [...act.articles] } as LegalAct);
      continue;
    }
    for (const article of act.articles) {
      if (known.articles.some((a) => a.number === article.number))
        throw new ContentError(file, [
          { field: `acts.${i}.articles`, message: `article ${article.number} of "${act.id}" is already listed` },
        ]);
      known.articles.push(article);
    }
  }
  const courses = new Map<string, LoadedCourse>();
  for (const slug of fs.list(`${root}/courses`).sort()) {
    if (!fs.exists(`${root}/courses/${slug}/course.yaml`)) continue;
    courses.set(slug, loadCourse(fs, root, slug, { glossary, legal }, opts.withPools ?? true));
  }
  const help = fs.exists(`${root}/help/contacts.yaml`)
    ? parseYamlWith(helpSchema, fs.read(`${root}/help/contacts.yaml`), 'help/contacts.yaml')
    : null;
  return { courses, glossary, legal, help };
}

function loadCourse(
  fs: ContentFs,
  root: string,
  slug: string,
  shared: { glossary: Map<string, Term>; legal: Map<string, LegalAct> },
  withPool: boolean | 'scorm',
): LoadedCourse {
  const dir = `courses/${slug}`;
  let course = parseYamlWith(courseSchema, fs.read(`${root}/${dir}/course.yaml`), `${dir}/course.yaml`);
  if (course.id !== slug)
    throw new ContentError(`${dir}/course.yaml`, [
      { line: 1, field: 'id', message: `must equal the folder name "${slug}", got "${course.id}"` },
    ]);

  const scenarios = new Map<string, Scenario>();
  for (const f of yamlFiles(fs, `${root}/${dir}/scenarios`)) {
    const file = `${dir}/scenarios/${f}`;
    const s = parseYamlWith(scenarioSchema, fs.read(`${root}/${file}`), file);
    if (`${s.id}.yaml` !== f)
      throw new ContentError(file, [{ field: 'id', message: `must equal the file name, got "${s.id}"` }]);
    if (!course.modules.includes(s.module))
      throw new ContentError(file, [
        { field: 'module', message: `unknown module "${s.module}"; expected one of ${course.modules.join(', ')}` },
      ]);
    scenarios.set(s.id, s);
  }
  const practice = new Map<string, Question[]>();
  for (const f of yamlFiles(fs, `${root}/${dir}/practice`)) {
    const file = `${dir}/practice/${f}`;
    const set = parseYamlWith(questionSetSchema, fs.read(`${root}/${file}`), file);
    checkQuestionModules(set.questions, course, file);
    practice.set(f.replace(/\.yaml$/, ''), set.questions);
  }
  let pool: Question[] | null = null;
  let scormPool: Question[] | null = null;
  const poolFile = `${dir}/assessment.yaml`;
  if (fs.exists(`${root}/${poolFile}`)) {
    if (!course.assessment)
      throw new ContentError(poolFile, [
        { field: '', message: 'course.yaml has no "assessment" settings for this pool' },
      ]);
    const settings = course.assessment;
    if (withPool) {
      const file = parseYamlWith(assessmentFileSchema, fs.read(`${root}/${poolFile}`), poolFile);
      scormPool = file.scormPool ?? null;
      // The SCORM package draws from its own pool only; without one it has no graded assessment.
      if (withPool === 'scorm' && !scormPool) course = { ...course, assessment: undefined };
      if (withPool === true) pool = file.questions;
      for (const [field, questions] of [
        ['questions', pool],
        ['scormPool', scormPool],
      ] as const) {
        if (!questions) continue;
        checkQuestionModules(questions, course, poolFile);
        if (questions.length < settings.questions)
          throw new ContentError(poolFile, [
            {
              field,
              message: `${field === 'questions' ? 'the pool' : 'scormPool'} has ${questions.length} questions but course.yaml draws ${settings.questions}`,
            },
          ]);
      }
    }
  } else if (course.assessment) {
    throw new ContentError(`${dir}/course.yaml`, [
      { field: 'assessment', message: `settings given but ${poolFile} is missing` },
    ]);
  }

  let evaluation: LoadedEvaluation | null = null;
  const evaluationFile = `${dir}/evaluation.yaml`;
  if (fs.exists(`${root}/${evaluationFile}`)) {
    const file = parseYamlWith(evaluationFileSchema, fs.read(`${root}/${evaluationFile}`), evaluationFile);
    file.pretest.pool.forEach((q, i) => {
      if (!course.modules.includes(q.module))
        throw new ContentError(evaluationFile, [
          {
            field: `pretest.pool.${i}.module`,
            message: `unknown module "${q.module}"; expected one of ${course.modules.join(', ')}`,
          },
        ]);
    });
    evaluation = {
      reaction: file.reaction,
      followUp: file.followUp,
      pretest: { questions: file.pretest.questions, pool: withPool === true ? file.pretest.pool : null },
    };
  }

  const modules = {} as Record<Locale, ModulePage[]>;
  for (const locale of LOCALES) {
    const files = fs
      .list(`${root}/${dir}/${locale}`)
      .filter((f) => f.endsWith('.mdx'))
      .sort();
    const pages: ModulePage[] = [];
    for (const f of files) {
      const file = `${dir}/${locale}/${f}`;
      const m = MODULE_FILE.exec(f);
      if (!m)
        throw new ContentError(file, [
          { field: '', message: 'module files are named "NN-<module-id>.mdx", e.g. "01-forms-of-abuse.mdx"' },
        ]);
      const text = fs.read(`${root}/${file}`);
      const { yaml, body } = splitFrontmatter(text, file);
      const data = parseYamlWith(moduleFrontmatterSchema, yaml, file, 1);
      if (data.id !== m[2])
        throw new ContentError(file, [
          { line: 2, field: 'id', message: `must match the file name ("${m[2]}"), got "${data.id}"` },
        ]);
      const index = course.modules.indexOf(data.id);
      if (index < 0)
        throw new ContentError(file, [
          { field: 'id', message: `module "${data.id}" is not listed in ${dir}/course.yaml → modules` },
        ]);
      if (Number(m[1]) !== index + 1)
        throw new ContentError(file, [
          {
            field: '',
            message: `file number ${m[1]} does not match the module's position ${index + 1} in course.yaml`,
          },
        ]);
      const bodyLine = text.slice(0, text.length - body.length).split('\n').length;
      checkBody(body, bodyLine, file, { course, scenarios, practice, ...shared });
      pages.push({ id: data.id, locale, index: index + 1, file, data, body });
    }
    for (const id of course.modules) {
      if (!pages.some((p) => p.id === id)) {
        throw new ContentError(`${dir}/${locale}`, [
          {
            field: 'modules',
            message: `module "${id}" has no ${locale} page (every module must exist in ${LOCALES.join(' and ')})`,
          },
        ]);
      }
    }
    modules[locale] = pages.sort((a, b) => a.index - b.index);
  }
  const plans = {} as Record<Locale, LessonPlanPage[]>;
  for (const locale of LOCALES) {
    plans[locale] = fs
      .list(`${root}/${dir}/${locale}/plans`)
      .filter((f) => f.endsWith('.mdx'))
      .sort()
      .map((f) => {
        const file = `${dir}/${locale}/plans/${f}`;
        const text = fs.read(`${root}/${file}`);
        const { yaml, body } = splitFrontmatter(text, file);
        const data = parseYamlWith(lessonPlanFrontmatterSchema, yaml, file, 1);
        if (`${data.module}.mdx` !== f)
          throw new ContentError(file, [
            { line: 2, field: 'module', message: `must match the file name, got "${data.module}"` },
          ]);
        if (!course.modules.includes(data.module))
          throw new ContentError(file, [{ line: 2, field: 'module', message: `unknown module "${data.module}"` }]);
        checkBody(body, text.slice(0, text.length - body.length).split('\n').length, file, {
          course,
          scenarios,
          practice,
          ...shared,
        });
        return { module: data.module, locale, file, data, body };
      });
  }
  for (const id of Object.keys(course.minMinutes)) {
    const page = modules.uk.find((p) => p.id === id);
    if (page && !/<(Quiz|Scenario)\b/.test(page.body))
      throw new ContentError(`${dir}/course.yaml`, [
        {
          field: `minMinutes.${id}`,
          message: `module "${id}" has no quiz or scenario, so its page sends no study-time heartbeats; remove the floor or add a <Quiz>`,
        },
      ]);
  }
  const planIds = (l: Locale) => plans[l].map((p) => p.module).join(',');
  if (planIds('uk') !== planIds('en'))
    throw new ContentError(`${dir}`, [
      {
        field: 'plans',
        message: `lesson plans differ between locales: uk [${planIds('uk')}] vs en [${planIds('en')}]`,
      },
    ]);
  return { course, modules, plans, scenarios, practice, pool, scormPool, evaluation };
}

function checkQuestionModules(questions: Question[], course: Course, file: string) {
  questions.forEach((q, i) => {
    if (!course.modules.includes(q.module)) {
      throw new ContentError(file, [
        {
          field: `questions.${i}.module`,
          message: `unknown module "${q.module}"; expected one of ${course.modules.join(', ')}`,
        },
      ]);
    }
  });
}

/** Attributes of a JSX tag written with string literals only: `<Quiz id="x" />`. */
function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([A-Za-z]+)=(?:"([^"]*)"|'([^']*)')/g)) out[m[1]!] = m[2] ?? m[3] ?? '';
  return out;
}

const componentProps = {
  Quiz: z.object({ id: z.string() }).strict(),
  Scenario: z.object({ id: z.string() }).strict(),
  Term: z.object({ id: z.string() }).strict(),
  LegalRef: z.object({ act: z.string(), article: z.string().optional(), part: z.string().optional() }).strict(),
  Callout: z.object({ type: z.enum(CALLOUT_TYPES as [string, ...string[]]), title: z.string().optional() }).strict(),
  KeyPoints: z.object({ title: z.string().optional() }).strict(),
  ContentNote: z.object({}).strict(),
} as const;

/** Check the author components used in an MDX body: known names, valid props, ids that resolve. */
function checkBody(
  body: string,
  firstLine: number,
  file: string,
  ctx: {
    course: Course;
    scenarios: Map<string, Scenario>;
    practice: Map<string, Question[]>;
    glossary: Map<string, Term>;
    legal: Map<string, LegalAct>;
  },
) {
  const problems: { line: number; field: string; message: string }[] = [];
  const lineAt = (index: number) => firstLine + body.slice(0, index).split('\n').length - 1;
  for (const m of body.matchAll(/<([A-Z][A-Za-z]*)\b([^>]*?)\/?>/g)) {
    const name = m[1]!;
    const line = lineAt(m.index!);
    const schema = componentProps[name as keyof typeof componentProps];
    if (!schema) {
      problems.push({
        line,
        field: `<${name}>`,
        message: `unknown component; available: ${Object.keys(componentProps).join(', ')}`,
      });
      continue;
    }
    const parsed = schema.safeParse(attrs(m[2]!));
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push({
          line,
          field: `<${name}> ${issue.path.join('.') || 'props'}`,
          message: issue.code === 'unrecognized_keys' ? `unknown prop(s) ${issue.keys.join(', ')}` : issue.message,
        });
      continue;
    }
    const p = parsed.data as Record<string, string>;
    if (name === 'Quiz' && !ctx.practice.has(p.id!))
      problems.push({
        line,
        field: '<Quiz> id',
        message: `no practice quiz "${p.id}" (expected practice/${p.id}.yaml)`,
      });
    if (name === 'Scenario' && !ctx.scenarios.has(p.id!))
      problems.push({
        line,
        field: '<Scenario> id',
        message: `no scenario "${p.id}" (expected scenarios/${p.id}.yaml)`,
      });
    if (name === 'Term' && !ctx.glossary.has(p.id!))
      problems.push({ line, field: '<Term> id', message: `no glossary term "${p.id}" in content/glossary/` });
    if (name === 'LegalRef') {
      const act = ctx.legal.get(p.act!);
      if (!act)
        problems.push({
          line,
          field: '<LegalRef> act',
          message: `unknown act "${p.act}"; known: ${[...ctx.legal.keys()].join(', ')}`,
        });
      else if (p.article && !act.articles.some((a) => a.number === p.article)) {
        problems.push({
          line,
          field: '<LegalRef> article',
          message: `article "${p.article}" of "${p.act}" is not listed in content/legal/`,
        });
      }
    }
  }
  // Links between modules are written relative to the module page: [text](../<module-id>/).
  for (const m of body.matchAll(/\]\(\.\.\/([a-z0-9-]+)\/?(?:#[^)]*)?\)/g)) {
    if (!ctx.course.modules.includes(m[1]!))
      problems.push({ line: lineAt(m.index!), field: 'link', message: `link to missing module "${m[1]}"` });
  }
  if (problems.length) throw new ContentError(file, problems);
}

/** Node's fs as a `ContentFs` (kept as a factory so `courses/` imports no I/O itself). */
export function contentFsFrom(nodeFs: {
  readdirSync(p: string): string[];
  readFileSync(p: string, enc: 'utf8'): string;
  existsSync(p: string): boolean;
}): ContentFs {
  return {
    list: (p) => (nodeFs.existsSync(p) ? nodeFs.readdirSync(p) : []),
    read: (p) => nodeFs.readFileSync(p, 'utf8'),
    exists: (p) => nodeFs.existsSync(p),
  };
}
