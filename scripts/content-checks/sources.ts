/**
 * Source checks for course content (issue #20: "every fact carries its source"). Pure functions over a
 * loaded catalog, so `scripts/check-content.ts` and the tests run the same code on real or fixture content.
 *
 * 1. Figures: a sentence in a `<Callout>` or `<KeyPoints>` that contains a number must be traceable to a
 *    source on the same page: a `<LegalRef>`, an explicit article citation ("ст. 226", "Art. 49(6)"), one of
 *    its numbers appearing in the page's `references`, or the name of a referenced author or organisation.
 * 2. Statute headings: every article in `content/legal/*.yaml` carries `checkedAt` (when its heading was last
 *    compared with a published text) and a heading that is not a placeholder or a description.
 * (A `<LegalRef>` to an article missing from `content/legal/` already fails in `loadCatalog`.)
 */
import type { Catalog, ModulePage } from '../../courses/catalog.ts';
import type { Reference } from '../../courses/schema/common.ts';

export interface SourceProblem {
  /** Path relative to the content root, with a line where known: `courses/x/uk/01-a.mdx:42`. */
  where: string;
  message: string;
}

/**
 * Words that mark a heading as a stand-in rather than the act's own words. "(назва статті)" / "(article
 * title)" are allowed: they flag a quoted official title that uses a term the courses otherwise avoid.
 */
const PLACEHOLDER =
  /(зміст статті|content of the article|placeholder|заглушк|не перевірен|not verified|could not be verified|\bTODO\b|\bTBD\b|\bFIXME\b|\?\?|XXX|…|\.\.\.)/i;

/** An article cited in words: "ст. 226", "статті 49", "ч. 6 ст. 49", "Art. 49(6)", "Arts. 152", "Article 35". */
const ARTICLE_CITATION = /(?<!\p{L})(?:ст\.|статт\p{L}*|Arts?\.|Articles?)\s*\d/iu;

/** Digit groups as written in either locale ("20 254", "20,254", "2 978", "116 111", "24"), digits only. */
function numbers(text: string): string[] {
  return [...text.matchAll(/\d+(?:[ \u00a0\u202f,]\d{3})*/g)].map((m) => m[0].replace(/\D/g, ''));
}

/** Names a sentence may use to point at a reference: the first word of its text and any acronym in it. */
function referenceKeys(ref: Reference): string[] {
  const keys = new Set<string>();
  const first = ref.text.match(/^[#«"“]?([\p{L}][\p{L}'’-]{2,})/u);
  if (first && !GENERIC_WORDS.has(first[1]!.toLowerCase())) keys.add(first[1]!.toLowerCase());
  for (const m of ref.text.matchAll(/\b([A-Z]{3,})\b/g))
    if (!GENERIC_ACRONYMS.has(m[1]!)) keys.add(m[1]!.toLowerCase());
  for (const m of ref.text.matchAll(/#[\p{L}_]+/gu)) keys.add(m[0].toLowerCase());
  return [...keys];
}
/** Acronyms that name a subject, not a source: they must not count as attribution. */
const GENERIC_ACRONYMS = new Set(['CSAM', 'URL', 'FAQ', 'CETS', 'ETS', 'AI', 'VR']);
/** Opening words too common to point at one reference. */
const GENERIC_WORDS = new Set([
  ...[...GENERIC_ACRONYMS].map((a) => a.toLowerCase()),
  'the',
  'national',
  'національна',
  'опитування',
  'survey',
]);

/** Sentences of a Callout body or KeyPoints list, with component tags kept (so a LegalRef is visible). */
function sentences(block: string): string[] {
  return block
    .split(/\n\s*[-*]\s+|\n\s*\d+\.\s+|\n{2,}/)
    .flatMap((part) => part.split(/(?<=[.!?…])\s+(?=[\p{Lu}«"“(<])/u))
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Callout bodies and KeyPoints blocks of a page, with their offset in the body. */
function factBlocks(body: string): { kind: string; text: string; offset: number }[] {
  const out: { kind: string; text: string; offset: number }[] = [];
  for (const m of body.matchAll(/<(Callout|KeyPoints)\b([^>]*)>([\s\S]*?)<\/\1>/g)) {
    // A Callout title is text too: a figure in it needs a source like any other.
    const title = m[2]!.match(/title="([^"]*)"/)?.[1] ?? '';
    out.push({ kind: m[1]!, text: `${title ? `${title}.\n\n` : ''}${m[3]!}`, offset: m.index! });
  }
  return out;
}

/**
 * The sentence without what is not a claim: component tags, link targets, "module 3" cross-references and
 * clock times in examples ("today at 14:00").
 */
function claimText(sentence: string): string {
  return sentence
    .replace(/<[^>]+>/g, ' ')
    .replace(/\]\([^)]*\)/g, ']')
    .replace(/(?<!\p{L})(?:модул\p{L}*|modules?)\s+\d+/giu, ' ')
    .replace(/\b\d{1,2}:\d{2}\b/g, ' ');
}

/** Whether a number-bearing sentence can be traced to a source on its page. */
export function isSourced(sentence: string, refs: Reference[]): boolean {
  if (/<LegalRef\b/.test(sentence) || ARTICLE_CITATION.test(sentence)) return true;
  const plain = claimText(sentence);
  const refNumbers = new Set(refs.flatMap((r) => numbers(r.text)));
  if (numbers(plain).some((n) => refNumbers.has(n))) return true;
  const lower = plain.toLowerCase();
  return refs.some((r) => referenceKeys(r).some((k) => lower.includes(k)));
}

/** Number-bearing sentences in Callouts and KeyPoints with no source on the page. */
export function unsourcedFigures(page: ModulePage, fileText: string): SourceProblem[] {
  const problems: SourceProblem[] = [];
  const bodyStart = fileText.indexOf(page.body);
  for (const block of factBlocks(page.body)) {
    for (const s of sentences(block.text)) {
      const plain = claimText(s);
      if (!/\d/.test(plain) || isSourced(s, page.data.references)) continue;
      const line = bodyStart < 0 ? undefined : fileText.slice(0, bodyStart + block.offset).split('\n').length;
      problems.push({
        where: `${page.file}${line ? `:${line}` : ''}`,
        message: `a figure in a <${block.kind}> has no source on the page: "${plain.replace(/\s+/g, ' ').trim().slice(0, 120)}". Cite the statute (<LegalRef>), or name or add the reference in "references".`,
      });
    }
  }
  return problems;
}

/** Articles in content/legal without `checkedAt`, or with a placeholder heading. */
export function legalHeadingProblems(legal: Catalog['legal']): SourceProblem[] {
  const problems: SourceProblem[] = [];
  for (const act of legal.values()) {
    for (const a of act.articles) {
      const where = `legal: ${act.id} Art. ${a.number}`;
      if (!a.checkedAt)
        problems.push({
          where,
          message: 'no "checkedAt": add the date the heading was compared with a published text of the act',
        });
      for (const [locale, title] of Object.entries(a.title))
        if (PLACEHOLDER.test(title))
          problems.push({
            where,
            message: `the ${locale} heading "${title}" is a placeholder or a description, not the act's own heading`,
          });
    }
  }
  return problems;
}

/** All source checks over a loaded catalog; `read` returns a content file's text by its relative path. */
export function checkSources(catalog: Catalog, read: (file: string) => string): SourceProblem[] {
  const problems = legalHeadingProblems(catalog.legal);
  for (const c of catalog.courses.values())
    for (const pages of Object.values(c.modules))
      for (const page of pages) problems.push(...unsourcedFigures(page, read(page.file)));
  return problems;
}
