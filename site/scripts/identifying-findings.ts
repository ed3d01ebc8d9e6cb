/**
 * Shows what the identifying-data check (courses/consultation/identifying.ts) found in a form's text,
 * with the matches highlighted. The form holds a `[data-findings]` box and, where the writer may confirm
 * that a finding is not about the child, a `[data-confirm-row]` (requests and replies); a case note has
 * none, because it is published and must carry nothing the check finds.
 */
import { KIND_LABELS, type Finding } from '../../courses/consultation/identifying.ts';
import { el } from './page-helpers.ts';

export function showFindings(
  form: HTMLFormElement,
  text: string,
  findings: Finding[],
  locale: 'uk' | 'en',
  intro: string,
) {
  const box = form.querySelector<HTMLElement>('[data-findings]')!;
  const row = form.querySelector<HTMLElement>('[data-confirm-row]');
  box.replaceChildren();
  box.hidden = findings.length === 0;
  if (row) row.hidden = findings.length === 0;
  if (!findings.length) return;
  box.append(el('p', intro));
  const p = el('p', undefined, { class: 'flagged' });
  let at = 0;
  for (const f of findings) {
    p.append(text.slice(at, f.start));
    const mark = el('mark', f.match, { title: KIND_LABELS[f.kind][locale] });
    p.append(mark, ` (${KIND_LABELS[f.kind][locale]})`);
    at = f.end;
  }
  p.append(text.slice(at));
  box.append(p);
}
