/**
 * A course page inside a SCORM package: report the visit (bookmark), turn "mark this module
 * complete" into a completed module in the LMS, and say so plainly when nothing is being recorded.
 */
import { findBridge } from './bridge.ts';

const strings = JSON.parse(document.getElementById('scorm-strings')?.textContent ?? '{}') as Record<string, string>;
const bridge = findBridge(window);

function notice(text: string) {
  const p = document.createElement('p');
  p.className = 'callout warning';
  p.setAttribute('role', 'status');
  p.dataset.scormNotice = '';
  p.textContent = text;
  document.querySelector('main')?.prepend(p);
}

if (!bridge) notice(strings['scorm.noLaunch']!);
else bridge.visit(location.href);

const root = document.querySelector<HTMLElement>('[data-module-page]');
if (root) {
  const module = root.dataset.module!;
  const form = root.querySelector<HTMLFormElement>('[data-mark-complete-form]');
  const done = root.querySelector<HTMLElement>('[data-complete-text]');
  const markDone = () => {
    if (form) form.hidden = true;
    done?.classList.add('shown');
    if (done) done.hidden = false;
  };
  if (bridge?.isModuleDone(module)) markDone();
  form?.addEventListener('submit', (e) => {
    e.preventDefault();
    bridge?.completeModule(module);
    markDone();
    done?.setAttribute('tabindex', '-1');
    done?.focus();
  });
}
