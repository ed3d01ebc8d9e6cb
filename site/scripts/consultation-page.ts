/**
 * The consultation page (issue #24). Learners ask (the identifying-data check runs here before
 * sending, and again on the server), read their threads, reply, close with a rating or delete.
 * Supervisors see their queue and dashboard, take requests, reply and release. Everyone sees their
 * notifications. All text from the server is put in with textContent, never as HTML.
 */
import { findIdentifying } from '../../courses/consultation/identifying.ts';
import { caseNotesPanel } from './case-notes-panel.ts';
import { showFindings } from './identifying-findings.ts';
import { api, dateTime, el, pageStrings } from './page-helpers.ts';

type Locale = 'uk' | 'en';
interface Meta {
  id: number;
  topic: string;
  urgency: string;
  oblast: string;
  wellbeing: boolean;
  status: 'open' | 'claimed' | 'closed';
  supervisor_id: number | null;
  created_at: string;
  due_at: string;
  overdue: boolean;
  rating: string | null;
}
interface Message {
  id: number;
  mine: boolean;
  from: 'requester' | 'supervisor';
  body: string;
  created_at: string;
}

const root = document.querySelector<HTMLElement>('[data-consult]');
const s = pageStrings('cons-strings');

if (root) {
  const locale = (root.dataset.locale ?? 'uk') as Locale;
  const $ = <T extends HTMLElement>(sel: string) => root.querySelector<T>(sel)!;
  const status = $('[data-status]');
  const params = new URLSearchParams(location.search);
  const threadId = Number(params.get('id')) || null;
  const fmt = (iso: string) => dateTime(locale, iso);
  let topics: { id: string; title: Record<Locale, string> }[] = [];
  const topicTitle = (id: string) => topics.find((t) => t.id === id)?.title[locale] ?? id;
  const describe = (m: Meta) =>
    `#${m.id} · ${topicTitle(m.topic)} · ${m.oblast} · ${s(`cons.status.${m.status}`)}` +
    (m.status !== 'closed' ? ` · ${s('cons.due', { date: fmt(m.due_at) })}` : '') +
    (m.overdue ? ` · ${s('cons.overdue')}` : '');

  /** Check before sending: findings must be removed or confirmed. Returns the confirmation flag, or null to stop. */
  function precheck(form: HTMLFormElement, text: string): boolean | null {
    const findings = findIdentifying(text);
    showFindings(form, text, findings, locale, s('cons.found'));
    if (!findings.length) return false;
    const confirm = form.querySelector<HTMLInputElement>('input[name=confirm]')!;
    if (!confirm.checked) {
      confirm.focus();
      return null;
    }
    return true;
  }

  async function loadNotifications() {
    const { res, data } = await api<{
      unread: number;
      notifications: { id: number; kind: string; consultation_id: number | null; read_at: string | null }[];
    }>('/api/notifications');
    if (!res.ok) return;
    const list = $('[data-notifications]');
    list.replaceChildren();
    const unread = data.notifications.filter((n) => !n.read_at);
    $('[data-bell-list]').hidden = false;
    if (!unread.length) list.append(el('li', s('cons.noNotifications')));
    for (const n of unread) {
      const li = el('li');
      const label = s(`cons.kind.${n.kind}`);
      li.append(
        n.consultation_id ? el('a', `${label} (#${n.consultation_id})`, { href: `?id=${n.consultation_id}` }) : label,
      );
      list.append(li);
    }
    if (unread.length) void api('/api/notifications/read', { body: {} });
  }

  async function loadThread(id: number, role: string) {
    const { res, data } = await api<{ consultation: Meta; messages: Message[] }>(`/api/consultations/${id}`);
    if (!res.ok) {
      status.textContent = data.error?.message ?? `HTTP ${res.status}`;
      return;
    }
    const c = data.consultation;
    const section = $('[data-thread]');
    section.hidden = false;
    $('[data-thread-meta]').textContent = describe(c);
    const list = $('[data-messages]');
    list.replaceChildren();
    for (const m of data.messages) {
      const li = el('li', undefined, { class: m.mine ? 'mine' : '' });
      const who = m.mine ? s('cons.you') : m.from === 'supervisor' ? s('cons.supervisor') : s('cons.requester');
      li.append(el('p', `${who} · ${fmt(m.created_at)}`, { class: 'meta' }), el('p', m.body, { class: 'body' }));
      list.append(li);
    }
    const owner = role !== 'supervisor' && role !== 'admin';
    $<HTMLFormElement>('[data-reply]').hidden =
      c.status === 'closed' || role === 'admin' || (!owner && c.status !== 'claimed');
    $<HTMLFormElement>('[data-close]').hidden = !owner || c.status === 'closed';
    $('[data-delete]').hidden = !owner;
    $('[data-release]').hidden = role !== 'supervisor' || c.status !== 'claimed';
    // The supervisor holding a request, or an admin (never for a wellbeing request), hands it on.
    const canReassign =
      c.status !== 'closed' &&
      ((role === 'supervisor' && c.status === 'claimed') || (role === 'admin' && !c.wellbeing));
    if (canReassign) void fillReassign(c);
    // The supervisor who answered a closed (non-wellbeing) request can turn it into a case note.
    $('[data-write-note]').hidden = role !== 'supervisor' || c.status !== 'closed' || c.wellbeing;
  }

  /** The supervisors a request can go to; the server checks the scope (topic, oblast, psychologist). */
  async function fillReassign(c: Meta) {
    const { res, data } = await api<{ supervisors: { id: number; full_name: string }[] }>(
      '/api/supervision/supervisors',
    );
    if (!res.ok) return;
    const select = $<HTMLSelectElement>('#cons-reassign');
    select.replaceChildren();
    for (const p of data.supervisors.filter((x) => x.id !== c.supervisor_id))
      select.append(new Option(p.full_name, String(p.id)));
    $<HTMLFormElement>('[data-reassign]').hidden = select.options.length === 0;
  }

  async function loadMine() {
    const { res, data } = await api<{ consultations: Meta[] }>('/api/consultations/mine');
    if (!res.ok) return;
    $('[data-mine-box]').hidden = false;
    const list = $('[data-mine]');
    list.replaceChildren();
    if (!data.consultations.length) list.append(el('li', s('cons.none')));
    for (const m of data.consultations) {
      const li = el('li');
      li.append(el('a', describe(m), { href: `?id=${m.id}` }));
      list.append(li);
    }
  }

  async function loadQueue() {
    const [q, d] = await Promise.all([
      api<{ open: Meta[]; mine: Meta[] }>('/api/consultations/queue'),
      api<{ open: number; overdue: number; mine: number; median_first_response_hours: number | null }>(
        '/api/consultations/dashboard',
      ),
    ]);
    if (!q.res.ok) return;
    $('[data-dashboard]').hidden = false;
    if (d.res.ok) {
      const figures = $('[data-figures]');
      figures.replaceChildren();
      const num = new Intl.NumberFormat(locale === 'uk' ? 'uk-UA' : 'en-GB');
      const median = d.data.median_first_response_hours;
      for (const [key, value] of [
        ['open', num.format(d.data.open)],
        ['overdue', num.format(d.data.overdue)],
        ['mine', num.format(d.data.mine)],
        ['median', median === null ? '—' : num.format(median)],
      ] as const) {
        const div = el('div', undefined, { 'data-figure': key });
        div.append(el('dt', s(`cons.fig.${key}`)), el('dd', value));
        figures.append(div);
      }
    }
    const list = $('[data-queue]');
    list.replaceChildren();
    for (const m of [...q.data.mine, ...q.data.open]) {
      const li = el('li');
      li.append(el('a', describe(m), { href: `?id=${m.id}` }));
      if (m.status === 'open') {
        const b = el('button', s('cons.claim'), { type: 'button', class: 'secondary', 'data-claim': String(m.id) });
        li.append(' ', b);
      }
      list.append(li);
    }
    if (!q.data.mine.length && !q.data.open.length) list.append(el('li', s('cons.none')));
  }

  async function loadForm() {
    const { res, data } = await api<{
      topics: { id: string; title: Record<Locale, string>; wellbeing: boolean }[];
      oblasts: { code: string; name: Record<Locale, string> }[];
    }>('/api/consultations/meta');
    if (!res.ok) return;
    topics = data.topics;
    const topic = $<HTMLSelectElement>('#cons-topic');
    for (const t of data.topics) topic.append(new Option(t.title[locale], t.id));
    const oblast = $<HTMLSelectElement>('#cons-oblast');
    for (const o of data.oblasts) oblast.append(new Option(o.name[locale], o.code));
  }

  async function start() {
    const me = await api<{ user: { id: number; role: string } }>('/api/me');
    if (!me.res.ok) {
      $('[data-signin]').hidden = false;
      return;
    }
    const role = me.data.user.role;
    await loadForm();
    void loadNotifications();
    if (threadId) await loadThread(threadId, role);
    if (role === 'supervisor') {
      await loadQueue();
      await notes.load();
    } else if (role !== 'admin' && role !== 'instructor') {
      if (!threadId) $('[data-ask]').hidden = false;
      await loadMine();
    }
  }

  const notes = caseNotesPanel($('[data-notes-box]'), locale, s, status);
  $('[data-write-note]').addEventListener('click', () => {
    if (threadId) notes.write(threadId);
  });

  const newForm = $<HTMLFormElement>('[data-new]');
  newForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const f = new FormData(newForm);
    const description = String(f.get('description') ?? '').trim();
    if (!description) {
      $<HTMLTextAreaElement>('#cons-description').focus();
      return;
    }
    const confirmed = precheck(newForm, description);
    if (confirmed === null) return;
    void api<{ id: number }>('/api/consultations', {
      body: {
        topic: f.get('topic'),
        oblast: f.get('oblast'),
        urgency: f.get('urgency'),
        description,
        confirm_not_identifying: confirmed,
        ...(params.get('course') ? { course_id: params.get('course') } : {}),
        ...(params.get('module') ? { module_id: params.get('module') } : {}),
      },
    }).then(({ res, data }) => {
      if (!res.ok) {
        status.textContent = data.error?.message ?? `HTTP ${res.status}`;
        return;
      }
      location.search = `?id=${data.id}`;
    });
  });

  const reply = $<HTMLFormElement>('[data-reply]');
  reply.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = String(new FormData(reply).get('body') ?? '').trim();
    if (!body || !threadId) return;
    const confirmed = precheck(reply, body);
    if (confirmed === null) return;
    void api(`/api/consultations/${threadId}/messages`, { body: { body, confirm_not_identifying: confirmed } }).then(
      ({ res, data }) => {
        if (!res.ok) status.textContent = data.error?.message ?? `HTTP ${res.status}`;
        else location.reload();
      },
    );
  });

  const close = $<HTMLFormElement>('[data-close]');
  close.addEventListener('submit', (e) => {
    e.preventDefault();
    const rating = new FormData(close).get('rating');
    if (!rating || !threadId) return;
    void api(`/api/consultations/${threadId}/close`, { body: { rating } }).then(({ res, data }) => {
      if (!res.ok) status.textContent = data.error?.message ?? `HTTP ${res.status}`;
      else location.reload();
    });
  });

  $('[data-delete]').addEventListener('click', () => {
    if (!threadId || !confirm(s('cons.deleteConfirm'))) return;
    void api(`/api/consultations/${threadId}`, { method: 'DELETE' }).then(({ res }) => {
      if (res.ok) location.search = '';
    });
  });
  $<HTMLFormElement>('[data-reassign]').addEventListener('submit', (e) => {
    e.preventDefault();
    if (!threadId) return;
    const select = $<HTMLSelectElement>('#cons-reassign');
    const out = $('[data-reassign-status]');
    const name = select.selectedOptions[0]?.textContent ?? '';
    void api<{ supervisor_id: number }>(`/api/consultations/${threadId}/reassign`, {
      body: { supervisor_id: Number(select.value) },
    }).then(({ res, data }) => {
      out.textContent = res.ok
        ? s('cons.reassign.done').replace('{name}', name)
        : (data.error?.message ?? `HTTP ${res.status}`);
      if (res.ok) $<HTMLFormElement>('[data-reassign]').querySelector('button')!.disabled = true;
    });
  });
  $('[data-release]').addEventListener('click', () => {
    if (!threadId) return;
    void api(`/api/consultations/${threadId}/release`, { body: {} }).then(({ res }) => {
      if (res.ok) location.search = '';
    });
  });
  $('[data-queue]').addEventListener('click', (e) => {
    const b = (e.target as Element).closest<HTMLButtonElement>('[data-claim]');
    if (!b) return;
    b.disabled = true;
    void api(`/api/consultations/${b.dataset.claim}/claim`, { body: {} }).then(({ res, data }) => {
      if (!res.ok) {
        status.textContent = data.error?.message ?? `HTTP ${res.status}`;
        b.disabled = false;
      } else location.search = `?id=${b.dataset.claim}`;
    });
  });

  void start();
}
