/**
 * The graded final assessment's island, hydrated by this one script (bundled on its own like the
 * module-page islands: see `site/integrations/module-islands.ts` for why). The page server-renders
 * the component inside `<div data-island="assessment" data-props="…">`; here it is hydrated with the
 * same props.
 */
import { hydrate } from 'svelte';
import Assessment from '../components/quiz/Assessment.svelte';

for (const target of document.querySelectorAll<HTMLElement>('[data-island="assessment"]')) {
  if (target.dataset.hydrated) continue;
  target.dataset.hydrated = '1';
  hydrate(Assessment, { target, props: JSON.parse(target.dataset.props ?? '{}') });
}
