/**
 * The admin's supervisors page (issue #24): every active account with the supervisor role, with a form
 * for its scope (PUT /api/supervision/supervisors/:id/scope): the psychologist flag, topics, and
 * oblasts or all of Ukraine. Names come from the server and go in with textContent.
 */
import { api, el, pageStrings, reason } from './page-helpers.ts';

type Locale = 'uk' | 'en';
interface Scope {
  psychologist: boolean;
  topics: string[];
  oblasts: string[];
}

const root = document.querySelector<HTMLElement>('[data-supervisors]');
const s = pageStrings('scope-strings');

function checkbox(id: string, name: string, value: string, label: string, checked: boolean, lang?: string) {
  const p = el('p');
  const input = el('input', undefined, { type: 'checkbox', id, name, value }) as HTMLInputElement;
  input.checked = checked;
  const l = el('label', label, { for: id });
  if (lang) l.lang = lang;
  p.append(input, l);
  return p;
}

if (root) {
  const locale = (root.dataset.locale ?? 'uk') as Locale;
  const status = root.querySelector<HTMLElement>('[data-status]')!;
  const list = root.querySelector<HTMLElement>('[data-list]')!;

  async function start() {
    const [users, scopes, meta] = await Promise.all([
      api<{ users: { id: number; full_name: string; email: string; active: number }[] }>(
        '/api/admin/users?role=supervisor&limit=500',
      ),
      api<{ supervisors: { id: number; scope: Scope }[] }>('/api/supervision/supervisors'),
      api<{
        topics: { id: string; title: Record<Locale, string> }[];
        oblasts: { code: string; name: Record<Locale, string> }[];
      }>('/api/consultations/meta'),
    ]);
    if (!users.res.ok || !scopes.res.ok || !meta.res.ok) {
      status.textContent = reason(users.res, users.data);
      return;
    }
    const byId = new Map(scopes.data.supervisors.map((x) => [x.id, x.scope]));
    list.replaceChildren();
    const active = users.data.users.filter((u) => u.active === 1);
    if (!active.length) list.append(el('p', s('scope.none')));
    for (const u of active) {
      const scope = byId.get(u.id);
      const form = el('form', undefined, { class: 'card', 'data-scope-form': String(u.id), novalidate: '' });
      const hid = `scope-${u.id}`;
      form.setAttribute('aria-labelledby', hid);
      form.append(el('h2', u.full_name, { id: hid, class: 'h3' }), el('p', u.email));
      if (!scope) form.append(el('p', s('scope.noScope')));
      form.append(checkbox(`${hid}-psy`, 'psychologist', '1', s('scope.psychologist'), scope?.psychologist ?? false));
      const topics = el('fieldset');
      topics.append(el('legend', s('scope.topics')));
      for (const t of meta.data.topics)
        topics.append(
          checkbox(`${hid}-t-${t.id}`, 'topics', t.id, t.title[locale], scope?.topics.includes(t.id) ?? false),
        );
      const oblasts = el('fieldset');
      oblasts.append(el('legend', s('scope.oblasts')));
      oblasts.append(checkbox(`${hid}-all`, 'oblasts', 'ALL', s('scope.all'), scope?.oblasts.includes('ALL') ?? false));
      for (const o of meta.data.oblasts)
        oblasts.append(
          checkbox(`${hid}-o-${o.code}`, 'oblasts', o.code, o.name[locale], scope?.oblasts.includes(o.code) ?? false),
        );
      form.append(topics, oblasts, el('button', s('scope.save'), { type: 'submit' }));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        const f = new FormData(form);
        const body = {
          psychologist: f.has('psychologist'),
          topics: f.getAll('topics').map(String),
          oblasts: f.getAll('oblasts').map(String),
        };
        if (!body.topics.length || !body.oblasts.length) {
          status.textContent = s('scope.needOne');
          return;
        }
        void api(`/api/supervision/supervisors/${u.id}/scope`, { method: 'PUT', body }).then(({ res, data }) => {
          status.textContent = res.ok ? s('scope.saved', { name: u.full_name }) : reason(res, data);
        });
      });
      list.append(form);
    }
  }
  void start();
}
