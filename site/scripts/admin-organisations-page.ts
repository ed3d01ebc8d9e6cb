/**
 * The admin's organisations page (issue #23): every organisation grouped by oblast (a filter narrows
 * the list to one oblast: there may be dozens per oblast), a form to add one, an edit form and a
 * delete button on each (the API refuses with 409 while a cohort belongs to it: the page shows why);
 * and every coordinator account with its scopes (all of Ukraine, or a set of oblasts). Names come
 * from the server and go in with textContent.
 */
import { api, el, pageStrings, reason } from './page-helpers.ts';

type Locale = 'uk' | 'en';
const KINDS = ['university', 'police_unit', 'childrens_service', 'school', 'ngo'] as const;
const NATIONAL = 'national';

interface Oblast {
  code: string;
  uk: string;
  en: string;
}
interface Organisation {
  id: number;
  kind: (typeof KINDS)[number];
  name_uk: string;
  name_en: string;
  oblast_code: string;
  cohorts: number;
}
interface User {
  id: number;
  full_name: string;
  email: string;
  active: number;
}

const root = document.querySelector<HTMLElement>('[data-organisations]');
const s = pageStrings('org-strings');
const P = 'adminPage.organisations.';

/** A labelled field: a text input or a select. */
function field(id: string, label: string, control: HTMLInputElement | HTMLSelectElement) {
  const div = el('div', undefined, { class: 'field' });
  control.id = id;
  div.append(el('label', label, { for: id }), control);
  return div;
}
function textInput(name: string, value: string, lang: Locale) {
  const input = el('input', undefined, { type: 'text', name, required: '', minlength: '2', maxlength: '200' });
  input.value = value;
  input.lang = lang;
  return input;
}
function select(name: string, options: [string, string][], value: string) {
  const sel = el('select', undefined, { name });
  for (const [v, label] of options) sel.add(new Option(label, v, false, v === value));
  return sel;
}
function checkbox(id: string, name: string, value: string, label: string, checked: boolean) {
  const p = el('p', undefined, { class: 'check' });
  const input = el('input', undefined, { type: 'checkbox', id, name, value });
  input.checked = checked;
  p.append(input, el('label', label, { for: id }));
  return p;
}

if (root) {
  const page = root;
  const locale = (root.dataset.locale ?? 'uk') as Locale;
  const other: Locale = locale === 'uk' ? 'en' : 'uk';
  const status = root.querySelector<HTMLElement>('[data-status]')!;
  const list = root.querySelector<HTMLElement>('[data-list]')!;
  const filter = root.querySelector<HTMLSelectElement>('#org-filter')!;
  const addForm = root.querySelector<HTMLFormElement>('[data-add]')!;
  const coordStatus = root.querySelector<HTMLElement>('[data-coord-status]')!;
  const coordList = root.querySelector<HTMLElement>('[data-coordinators]')!;
  let oblasts: Oblast[] = [];
  let organisations: Organisation[] = [];
  const oblastName = (code: string) => oblasts.find((o) => o.code === code)?.[locale] ?? code;
  const kindOptions = (): [string, string][] => KINDS.map((k) => [k, s(`${P}kind.${k}`)]);
  const oblastOptions = (): [string, string][] => oblasts.map((o) => [o.code, o[locale]]);
  const orgName = (o: Organisation) => (locale === 'uk' ? o.name_uk : o.name_en);

  /** The kind, both names and the oblast: the add form's fields and each edit form's. */
  function orgFields(prefix: string, o?: Organisation) {
    return [
      field(`${prefix}-kind`, s(`${P}kind`), select('kind', kindOptions(), o?.kind ?? 'university')),
      field(`${prefix}-uk`, s(`${P}nameUk`), textInput('name_uk', o?.name_uk ?? '', 'uk')),
      field(`${prefix}-en`, s(`${P}nameEn`), textInput('name_en', o?.name_en ?? '', 'en')),
      field(`${prefix}-oblast`, s(`${P}oblast`), select('oblast_code', oblastOptions(), o?.oblast_code ?? '')),
    ];
  }
  const formBody = (form: HTMLFormElement) => {
    const f = new FormData(form);
    return {
      kind: String(f.get('kind')),
      name_uk: String(f.get('name_uk')).trim(),
      name_en: String(f.get('name_en')).trim(),
      oblast_code: String(f.get('oblast_code')),
    };
  };
  const invalid = (b: ReturnType<typeof formBody>) => b.name_uk.length < 2 || b.name_en.length < 2;

  function drawFilter() {
    const chosen = filter.value;
    const counts = new Map<string, number>();
    for (const o of organisations) counts.set(o.oblast_code, (counts.get(o.oblast_code) ?? 0) + 1);
    filter.replaceChildren(new Option(s(`${P}filter.all`, { n: organisations.length }), ''));
    for (const o of oblasts)
      if (counts.has(o.code)) filter.add(new Option(`${o[locale]} (${counts.get(o.code)})`, o.code));
    filter.value = [...filter.options].some((x) => x.value === chosen) ? chosen : '';
  }

  function orgCard(o: Organisation) {
    const li = el('li', undefined, { class: 'card', 'data-org': String(o.id) });
    const name = el('h4', orgName(o));
    const otherName = el('p', locale === 'uk' ? o.name_en : o.name_uk, { class: 'meta' });
    otherName.lang = other;
    li.append(
      name,
      otherName,
      el('p', `${s(`${P}kind.${o.kind}`)} · ${s(`${P}cohorts`)}: ${o.cohorts}`, { 'data-org-meta': '' }),
    );
    // A refusal is also written on the card itself, where the admin is looking (the live region is at the top).
    const note = el('p', undefined, { class: 'bad', 'data-org-message': '' });
    const refuse = (msg: string) => {
      status.textContent = msg;
      note.textContent = msg;
    };
    const details = el('details');
    details.append(el('summary', s(`${P}edit`, { name: orgName(o) })));
    const form = el('form', undefined, { novalidate: '' });
    form.append(...orgFields(`org-${o.id}`, o), el('button', s(`${P}save`), { type: 'submit' }));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const body = formBody(form);
      if (invalid(body)) return refuse(s(`${P}needNames`));
      void api(`/api/admin/organisations/${o.id}`, { method: 'PATCH', body }).then(async ({ res, data }) => {
        if (!res.ok) return refuse(reason(res, data));
        await load();
        status.textContent = s(`${P}changed`, { name: locale === 'uk' ? body.name_uk : body.name_en });
      });
    });
    details.append(form);
    const del = el('button', s(`${P}delete`), {
      type: 'button',
      class: 'secondary',
      'aria-label': s(`${P}deleteLabel`, { name: orgName(o) }),
    });
    del.addEventListener('click', () => {
      if (!window.confirm(s(`${P}confirmDelete`, { name: orgName(o) }))) return;
      void api(`/api/admin/organisations/${o.id}`, { method: 'DELETE' }).then(async ({ res, data }) => {
        if (!res.ok) return refuse(s(`${P}notDeleted`, { reason: reason(res, data) }));
        await load();
        status.textContent = s(`${P}deleted`, { name: orgName(o) });
      });
    });
    const actions = el('p');
    actions.append(del);
    li.append(details, actions, note);
    return li;
  }

  function drawList() {
    list.replaceChildren();
    const shown = organisations.filter((o) => !filter.value || o.oblast_code === filter.value);
    if (!shown.length) return void list.append(el('p', s(`${P}none`)));
    for (const ob of oblasts) {
      const here = shown.filter((o) => o.oblast_code === ob.code);
      if (!here.length) continue;
      const section = el('section', undefined, { 'data-oblast': ob.code });
      const hid = `oblast-${ob.code}`;
      section.setAttribute('aria-labelledby', hid);
      section.append(el('h3', `${ob[locale]} (${here.length})`, { id: hid }));
      const ul = el('ul', undefined, { class: 'cards' });
      here.sort((a, b) => orgName(a).localeCompare(orgName(b), locale)).forEach((o) => ul.append(orgCard(o)));
      section.append(ul);
      list.append(section);
    }
  }

  async function load() {
    const r = await api<{ organisations: Organisation[] }>('/api/organisations');
    if (!r.res.ok) return void (status.textContent = reason(r.res, r.data));
    organisations = r.data.organisations;
    drawFilter();
    drawList();
  }

  function coordinatorForm(u: User, scopes: string[]) {
    const form = el('form', undefined, { class: 'card', 'data-scope-form': String(u.id), novalidate: '' });
    const hid = `coord-${u.id}`;
    form.setAttribute('aria-labelledby', hid);
    form.append(el('h3', u.full_name, { id: hid }), el('p', u.email, { class: 'meta' }));
    const summary = () =>
      scopes.includes(NATIONAL)
        ? s(`${P}scope.national`)
        : scopes.length
          ? scopes.map(oblastName).join(', ')
          : s(`${P}scope.nothing`);
    const current = el('p', s(`${P}scope.current`, { scope: summary() }), { 'data-scope-current': '' });
    form.append(current);
    const fs = el('fieldset');
    fs.append(el('legend', s(`${P}scope.legend`, { name: u.full_name })));
    fs.append(checkbox(`${hid}-national`, 'scope', NATIONAL, s(`${P}scope.national`), scopes.includes(NATIONAL)));
    for (const o of oblasts)
      fs.append(checkbox(`${hid}-${o.code}`, 'scope', o.code, o[locale], scopes.includes(o.code)));
    const note = el('p', undefined, { 'data-scope-message': '' });
    form.append(fs, el('button', s(`${P}scope.save`), { type: 'submit' }), note);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const chosen = new FormData(form).getAll('scope').map(String);
      // All of Ukraine covers every oblast: the API takes it alone.
      const body = { scopes: chosen.includes(NATIONAL) ? [NATIONAL] : chosen };
      void api<{ scopes: string[] }>(`/api/admin/users/${u.id}/coordinator-scopes`, { method: 'PUT', body }).then(
        ({ res, data }) => {
          if (!res.ok) {
            note.className = 'bad';
            return void (coordStatus.textContent = note.textContent = reason(res, data));
          }
          scopes = data.scopes;
          current.textContent = s(`${P}scope.current`, { scope: summary() });
          for (const box of form.querySelectorAll<HTMLInputElement>('input[name=scope]'))
            box.checked = scopes.includes(box.value);
          note.className = '';
          coordStatus.textContent = note.textContent = s(`${P}scope.saved`, { name: u.full_name, scope: summary() });
        },
      );
    });
    return form;
  }

  async function loadCoordinators() {
    const users = await api<{ users: User[] }>('/api/admin/users?role=coordinator&limit=500');
    if (!users.res.ok) return void (coordStatus.textContent = reason(users.res, users.data));
    const active = users.data.users.filter((u) => u.active === 1);
    const scopes = await Promise.all(
      active.map((u) => api<{ scopes: string[] }>(`/api/admin/users/${u.id}/coordinator-scopes`)),
    );
    coordList.replaceChildren();
    if (!active.length) coordList.append(el('p', s(`${P}scope.none`)));
    active.forEach((u, i) => coordList.append(coordinatorForm(u, scopes[i]!.res.ok ? scopes[i]!.data.scopes : [])));
  }

  async function start() {
    const r = await api<{ oblasts: Oblast[]; source: { title: Record<Locale, string> } }>('/api/oblasts');
    if (!r.res.ok) return void (status.textContent = reason(r.res, r.data));
    oblasts = r.data.oblasts;
    page.querySelector('[data-source]')!.textContent = s(`${P}source`, { title: r.data.source.title[locale] });
    addForm.querySelector('[data-fields]')!.replaceWith(...orgFields('org-new'));
    addForm.hidden = false;
    addForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const body = formBody(addForm);
      if (invalid(body)) return void (status.textContent = s(`${P}needNames`));
      void api('/api/admin/organisations', { body }).then(async ({ res, data }) => {
        if (!res.ok) return void (status.textContent = reason(res, data));
        addForm.reset();
        await load();
        status.textContent = s(`${P}added`, { name: locale === 'uk' ? body.name_uk : body.name_en });
      });
    });
    filter.addEventListener('change', drawList);
    await Promise.all([load(), loadCoordinators()]);
  }
  void start();
}
