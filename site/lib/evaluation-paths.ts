/** The evaluation pages' paths (site/components/evaluation/EvaluationPage.astro): every course with an evaluation, both locales; none in SCORM packages. */
import { MODE, catalog } from './catalog.ts';

export function evaluationPaths() {
  if (MODE === 'scorm') return [];
  return [...catalog().courses.values()]
    .filter((c) => c.evaluation)
    .flatMap((c) => (['uk', 'en'] as const).map((locale) => ({ params: { locale, course: c.course.id } })));
}
