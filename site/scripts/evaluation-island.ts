/**
 * The evaluation pages' island (site/components/evaluation/EvaluationPage.astro), bundled on its own
 * like the module-page islands (site/integrations/module-islands.ts says why). Client-only: the page
 * renders a placeholder inside `<div data-island="evaluation" data-props="…">`, replaced here.
 */
import { mount } from 'svelte';
import EvaluationStep from '../components/evaluation/EvaluationStep.svelte';

for (const target of document.querySelectorAll<HTMLElement>('[data-island="evaluation"]')) {
  if (target.dataset.mounted) continue;
  target.dataset.mounted = '1';
  const props = JSON.parse(target.dataset.props ?? '{}');
  target.replaceChildren();
  mount(EvaluationStep, { target, props });
}
