/**
 * Content for the SCORM tests, generated into a temp folder: the fixture course (its authored pool as the
 * `scormPool`, a generated platform pool beside it), the same course
 * without a graded assessment (`plain-course`), and one whose pool and draw are 200 questions
 * (`big-course`, the schema's maximum) with the longest responses the schema allows.
 */
import fs from 'node:fs';
import path from 'node:path';

const FIXTURES = path.resolve('tests/fixtures/content');

function letterIds(n: number) {
  return Array.from({ length: n }, (_, i) => `o${i}`);
}

/** 200 questions cycling through every type, choice questions with the maximum of 12 options. */
export function bigPool(modules: string[]) {
  const ref = { uk: 'Джерело', en: 'Source' };
  const texts = (i: number) => ({
    uk: { stem: `Запитання ${i}?`, explanation: `Пояснення ${i}.` },
    en: { stem: `Question ${i}?`, explanation: `Explanation ${i}.` },
  });
  return Array.from({ length: 200 }, (_, i) => {
    const base = { id: `q-${i}`, module: modules[i % modules.length]!, reference: ref, ...texts(i) };
    switch (i % 7) {
      case 0:
        return {
          ...base,
          type: 'single',
          options: letterIds(12).map((id, k) => ({
            id,
            correct: k === 0,
            uk: { text: `Варіант ${k}` },
            en: { text: `Option ${k}` },
          })),
        };
      case 1:
        return {
          ...base,
          type: 'multiple',
          options: letterIds(12).map((id, k) => ({
            id,
            correct: k % 2 === 0,
            uk: { text: `Варіант ${k}` },
            en: { text: `Option ${k}` },
          })),
        };
      case 2:
        return { ...base, type: 'true-false', answer: i % 2 === 0 };
      case 3:
        return {
          ...base,
          type: 'matching',
          pairs: Array.from({ length: 10 }, (_, k) => ({
            id: `p${k}`,
            uk: { prompt: `П${k}`, match: `В${k}` },
            en: { prompt: `P${k}`, match: `M${k}` },
          })),
        };
      case 4:
        return {
          ...base,
          type: 'ordering',
          items: Array.from({ length: 10 }, (_, k) => ({ id: `s${k}`, uk: `Крок ${k}`, en: `Step ${k}` })),
        };
      case 5:
        return { ...base, type: 'numeric', answer: 1234.5, tolerance: 0.5 };
      default:
        return {
          ...base,
          type: 'text',
          accepted: { uk: ['сто шістнадцять сто одинадцять'], en: ['one one six one one one'] },
        };
    }
  });
}

/** A platform pool that shares no id or stem with the SCORM pools (it never ships in a package). */
export function platformPool(modules: string[], n: number) {
  return bigPool(modules)
    .slice(0, n)
    .map((q, i) => ({
      ...q,
      id: `platform-${i}`,
      uk: { stem: `Серверне питання номер ${i} про інше?`, explanation: 'Пояснення.' },
      en: { stem: `Server side item number ${i} about something else?`, explanation: 'Explanation.' },
    }));
}

/** Write the test content tree into `dir` and return it. */
export function writeScormContent(dir: string): string {
  fs.cpSync(FIXTURES, dir, { recursive: true });
  const fixture = path.join(dir, 'courses/fixture-course');
  const courseYaml = fs.readFileSync(path.join(fixture, 'course.yaml'), 'utf8');
  const modules = /modules: \[([^\]]+)\]/
    .exec(courseYaml)![1]!
    .split(',')
    .map((s) => s.trim());

  const plain = path.join(dir, 'courses/plain-course');
  fs.cpSync(fixture, plain, { recursive: true });
  fs.rmSync(path.join(plain, 'assessment.yaml'));
  fs.writeFileSync(
    path.join(plain, 'course.yaml'),
    courseYaml
      .replace('id: fixture-course', 'id: plain-course')
      .replace(/^assessment:.*$/m, '')
      .replace(/title: \{[^}]+\}/, 'title: { uk: "Курс без оцінювання", en: "Course without an assessment" }'),
  );

  const big = path.join(dir, 'courses/big-course');
  fs.cpSync(fixture, big, { recursive: true });
  fs.writeFileSync(
    path.join(big, 'course.yaml'),
    courseYaml
      .replace('id: fixture-course', 'id: big-course')
      .replace(/^assessment:.*$/m, 'assessment: { questions: 200, maxAttempts: 3, review: score-only }')
      .replace(/title: \{[^}]+\}/, 'title: { uk: "Великий курс", en: "Big course" }'),
  );
  // JSON is YAML. The packages carry only the scormPool; the platform pool is a separate set.
  fs.writeFileSync(
    path.join(big, 'assessment.yaml'),
    JSON.stringify({ questions: platformPool(modules, 200), scormPool: bigPool(modules) }, null, 1),
  );
  // The fixture course's authored pool becomes its SCORM pool here, so the package tests keep its question types.
  const poolFile = path.join(fixture, 'assessment.yaml');
  fs.writeFileSync(
    poolFile,
    fs.readFileSync(poolFile, 'utf8').replace(/^questions:/m, 'scormPool:') +
      `\nquestions: ${JSON.stringify(platformPool(modules, 8))}\n`,
  );
  return dir;
}
