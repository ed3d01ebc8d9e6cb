/**
 * The islands of a module page (practice quizzes and case scenarios), hydrated by this one script.
 *
 * Module pages are what learners open most, often on a phone over a weak connection, so their islands
 * are bundled on their own (see `site/integrations/module-islands.ts`): one file holding exactly the
 * Svelte runtime these two components use, instead of Astro's island loader plus the runtime chunks
 * shared with the instructor dashboards. Each island is server-rendered by Astro inside
 * `<div data-island="quiz|scenario" data-props="…">`; here it is hydrated with the same props.
 */
import { hydrate, type Component } from 'svelte';
import Quiz from '../components/quiz/Quiz.svelte';
import Scenario from '../components/quiz/Scenario.svelte';

// Each island takes its own props, passed through untouched from the server render.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const components: Record<string, Component<any>> = { quiz: Quiz, scenario: Scenario };

for (const target of document.querySelectorAll<HTMLElement>('[data-island]')) {
  const component = components[target.dataset.island ?? ''];
  if (!component || target.dataset.hydrated) continue;
  target.dataset.hydrated = '1';
  hydrate(component, { target, props: JSON.parse(target.dataset.props ?? '{}') });
}
