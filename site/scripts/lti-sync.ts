/**
 * The instructor workspace's "Sync with Moodle" section: for each cohort made from a Moodle course,
 * the roster's last refresh and, per learner, whether their score reached Moodle (GET
 * /api/lti/cohorts/:id/sync) of every cohort GET /api/lti/cohorts lists. Hidden when no cohort of the
 * instructor is linked to a platform.
 */
interface Sync {
  context: { title: string; roster_synced_at: string | null; roster_error: string | null };
  learners: { full_name: string; state: string; score: number | null; last_error: string | null }[];
}

const el = (tag: string, text = '') => {
  const e = document.createElement(tag);
  e.textContent = text;
  return e;
};

export async function ltiSync() {
  const root = document.querySelector<HTMLElement>('[data-lti-sync]');
  if (!root) return;
  const s = JSON.parse(root.dataset.strings!) as Record<string, string>;
  const fill = (key: string, vars: Record<string, string>) =>
    (s[key] ?? key).replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
  // Only the cohorts linked to a platform: one request, whatever the number of cohorts.
  const res = await fetch('/api/lti/cohorts');
  if (!res.ok) return;
  const { cohorts } = (await res.json()) as { cohorts: { id: number; title: string }[] };
  const out = root.querySelector<HTMLElement>('[data-lti-cohorts]')!;
  const render = async (id: number, box: HTMLElement) => {
    const r = await fetch(`/api/lti/cohorts/${id}/sync`);
    if (!r.ok) return false;
    const data = (await r.json()) as Sync;
    box.replaceChildren();
    box.append(el('h3', data.context.title));
    box.append(
      el(
        'p',
        fill('lti.sync.roster', {
          at: data.context.roster_synced_at
            ? new Date(data.context.roster_synced_at).toLocaleString()
            : s['lti.sync.never']!,
        }),
      ),
    );
    if (data.context.roster_error)
      box.append(el('p', fill('lti.sync.rosterError', { message: data.context.roster_error })));
    const button = el('button', s['lti.sync.refresh']) as HTMLButtonElement;
    button.type = 'button';
    button.addEventListener('click', async () => {
      button.disabled = true;
      await fetch(`/api/lti/cohorts/${id}/roster-sync`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      await render(id, box);
    });
    box.append(button);
    const table = el('table');
    const head = el('tr');
    for (const k of ['lti.sync.learner', 'lti.sync.state', 'lti.sync.score', 'lti.sync.lastError']) {
      const th = el('th', s[k]);
      th.setAttribute('scope', 'col');
      head.append(th);
    }
    table.append(head);
    for (const l of data.learners) {
      const tr = el('tr');
      for (const v of [
        l.full_name,
        s[`lti.state.${l.state}`] ?? l.state,
        l.score === null ? '' : String(l.score),
        l.last_error ?? '',
      ])
        tr.append(el('td', v));
      table.append(tr);
    }
    box.append(table);
    return true;
  };
  let any = false;
  for (const c of cohorts) {
    const box = el('div');
    if (await render(c.id, box)) {
      out.append(box);
      any = true;
    }
  }
  root.hidden = !any;
}
