/**
 * The group supervision page (issue #24). Learners (the roles that may ask for a consultation) see
 * upcoming sessions, sign up and cancel, and their sign-ups with professional development hours.
 * Supervisors schedule sessions, see the ones they lead, record attendance once a session has started,
 * and see the hours per oblast. All text from the server goes in with textContent, never as HTML.
 */
import { api, dateTime, el, pageStrings, reason } from './page-helpers.ts';

type Locale = 'uk' | 'en';
interface Session {
  id: number;
  supervisor_id: number | null;
  title: string;
  starts_at: string;
  duration_minutes: number;
  format: 'online' | 'in_person';
  place: string;
  capacity: number;
  oblast: string;
  cancelled_at: string | null;
  signed_up: number;
}
interface Signup {
  id: number;
  title: string;
  starts_at: string;
  duration_minutes: number;
  format: 'online' | 'in_person';
  place: string;
  oblast: string;
  cancelled_at: string | null;
  attended: boolean | null;
}

const root = document.querySelector<HTMLElement>('[data-supervision]');
const s = pageStrings('sup-strings');
const LEARNERS = ['cadet', 'officer', 'specialist'];

/** A meeting link is shown as a link only when it is http(s); anything else stays text. */
function placeNode(place: string): Node {
  try {
    const u = new URL(place);
    if (u.protocol === 'https:' || u.protocol === 'http:') return el('a', place, { href: u.href, rel: 'noopener' });
  } catch {
    /* an address, not a URL */
  }
  return document.createTextNode(place);
}

if (root) {
  const locale = (root.dataset.locale ?? 'uk') as Locale;
  const $ = <T extends HTMLElement>(sel: string) => root.querySelector<T>(sel)!;
  const status = $('[data-status]');
  const num = new Intl.NumberFormat(locale === 'uk' ? 'uk-UA' : 'en-GB');
  let oblasts = new Map<string, string>();
  const oblastName = (code: string) => oblasts.get(code) ?? code;
  const when = (x: { starts_at: string; duration_minutes: number }) =>
    s('sup.when', { date: dateTime(locale, x.starts_at), minutes: x.duration_minutes });
  let led: Session[] = [];

  async function loadOblasts() {
    const { res, data } = await api<{ oblasts: { code: string; name: Record<Locale, string> }[] }>(
      '/api/consultations/meta',
    );
    if (!res.ok) return;
    oblasts = new Map(data.oblasts.map((o) => [o.code, o.name[locale]]));
    const select = $<HTMLSelectElement>('#sup-oblast');
    for (const o of data.oblasts) select.append(new Option(o.name[locale], o.code));
  }

  /** Upcoming sessions; for a learner with the sign-up or cancel button (or "full"). */
  async function loadUpcoming(learner: boolean, mine: Set<number>) {
    const { res, data } = await api<{ sessions: Session[] }>('/api/supervision/sessions');
    if (!res.ok) return;
    $('[data-upcoming-box]').hidden = false;
    const box = $('[data-upcoming]');
    box.replaceChildren();
    if (!data.sessions.length) box.append(el('p', s('sup.noUpcoming')));
    for (const x of data.sessions) {
      const card = el('article', undefined, { class: 'card', 'data-session': String(x.id) });
      const place = el('p', `${s('sup.place')}: `);
      place.append(placeNode(x.place));
      card.append(
        el('h3', x.title, { class: 'h3' }),
        el('p', `${when(x)} · ${s(`sup.format.${x.format}`)} · ${oblastName(x.oblast)}`),
        place,
        el('p', s('sup.seats', { n: x.signed_up, capacity: x.capacity }), { 'data-seats': '' }),
      );
      if (learner) {
        const action = el('p');
        if (mine.has(x.id))
          action.append(
            el('span', s('sup.signedUp')),
            ' ',
            el('button', s('sup.cancelSignup'), {
              type: 'button',
              class: 'secondary',
              'data-cancel': String(x.id),
              'aria-label': `${s('sup.cancelSignup')}: ${x.title}`,
            }),
          );
        else if (x.signed_up >= x.capacity) action.append(el('span', s('sup.full'), { 'data-full': '' }));
        else
          action.append(
            el('button', s('sup.signUp'), {
              type: 'button',
              'data-signup': String(x.id),
              'aria-label': `${s('sup.signUp')}: ${x.title}`,
            }),
          );
        card.append(action);
      }
      box.append(card);
    }
  }

  /** The learner's sign-ups and hours; returns the sessions they are signed up for. */
  async function loadMine(): Promise<Set<number>> {
    const { res, data } = await api<{ signups: Signup[]; development: { sessions: number; hours: number } }>(
      '/api/supervision/mine',
    );
    if (!res.ok) return new Set();
    $('[data-mine-box]').hidden = false;
    $('[data-hours]').textContent = s('sup.hours', {
      sessions: data.development.sessions,
      hours: num.format(data.development.hours),
    });
    const list = $('[data-mine]');
    list.replaceChildren();
    if (!data.signups.length) list.append(el('li', s('sup.noMine')));
    for (const x of data.signups) {
      const state = x.cancelled_at
        ? s('sup.cancelled')
        : x.attended === true
          ? s('sup.attended')
          : x.attended === false
            ? s('sup.missed')
            : '';
      list.append(el('li', [x.title, when(x), state].filter(Boolean).join(' · ')));
    }
    return new Set(data.signups.filter((x) => !x.cancelled_at).map((x) => x.id));
  }

  async function loadLed() {
    const { res, data } = await api<{ sessions: Session[] }>('/api/supervision/sessions/led');
    if (!res.ok) return;
    led = data.sessions;
    $('[data-led-box]').hidden = false;
    const list = $('[data-led]');
    list.replaceChildren();
    if (!led.length) list.append(el('li', s('sup.noLed')));
    for (const x of led) {
      const li = el('li');
      li.append(
        `${x.title} · ${when(x)} · ${s('sup.seats', { n: x.signed_up, capacity: x.capacity })}`,
        x.cancelled_at ? ` · ${s('sup.cancelled')}` : '',
        ' ',
        el('button', s('sup.attendees'), {
          type: 'button',
          class: 'secondary',
          'data-attendees': String(x.id),
          'aria-label': `${s('sup.attendees')}: ${x.title}`,
        }),
      );
      // Before it starts, the supervisor may call it off (everyone signed up is told).
      if (!x.cancelled_at && Date.parse(x.starts_at) > Date.now())
        li.append(
          ' ',
          el('button', s('sup.cancelSession'), {
            type: 'button',
            class: 'secondary',
            'data-cancel-session': String(x.id),
            'aria-label': `${s('sup.cancelSession')}: ${x.title}`,
          }),
        );
      list.append(li);
    }
  }

  async function showAttendees(session: Session) {
    const { res, data } = await api<{ attendees: { id: number; full_name: string; attended: boolean | null }[] }>(
      `/api/supervision/sessions/${session.id}/attendees`,
    );
    const box = $('[data-attendance-box]');
    box.replaceChildren();
    if (!res.ok) {
      status.textContent = reason(res, data);
      return;
    }
    const started = Date.parse(session.starts_at) <= Date.now();
    const form = el('form', undefined, { 'data-attendance': String(session.id) });
    const fieldset = el('fieldset');
    const legend = el('legend', s('sup.attendance', { title: session.title }), { tabindex: '-1' });
    fieldset.append(legend);
    if (!data.attendees.length) fieldset.append(el('p', s('sup.noAttendees')));
    for (const a of data.attendees) {
      const p = el('p');
      if (started) {
        const box = el('input', undefined, {
          type: 'checkbox',
          id: `att-${a.id}`,
          name: 'attended',
          value: String(a.id),
        });
        (box as HTMLInputElement).checked = a.attended === true;
        p.append(box, el('label', s('sup.wasThere', { name: a.full_name }), { for: `att-${a.id}` }));
      } else p.textContent = a.full_name;
      fieldset.append(p);
    }
    form.append(fieldset);
    if (!started) form.append(el('p', s('sup.notStarted')));
    else if (data.attendees.length) form.append(el('button', s('sup.saveAttendance'), { type: 'submit' }));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const attendance = [...form.querySelectorAll<HTMLInputElement>('input[name=attended]')].map((i) => ({
        user_id: Number(i.value),
        attended: i.checked,
      }));
      void api<{ recorded: number }>(`/api/supervision/sessions/${session.id}/attendance`, {
        method: 'PUT',
        body: { attendance },
      }).then(async ({ res, data }) => {
        status.textContent = res.ok ? s('sup.savedAttendance', { n: data.recorded }) : reason(res, data);
        if (res.ok) await loadFigures();
      });
    });
    box.append(form);
    legend.focus();
  }

  async function loadFigures() {
    const { res, data } = await api<{
      by_oblast: { oblast: string; attendances: number; hours: number }[];
      suppressed: number;
    }>('/api/supervision/figures');
    if (!res.ok) return;
    $('[data-figures-box]').hidden = false;
    const box = $('[data-figures]');
    box.replaceChildren();
    const hidden = data.suppressed ? el('p', s('sup.figures.suppressed', { n: num.format(data.suppressed) })) : null;
    if (!data.by_oblast.length) {
      // Attendance there may be, in oblasts too small to show: then that is what the box says.
      box.append(hidden ?? el('p', s('sup.noFigures')));
      return;
    }
    const table = el('table');
    const head = el('tr');
    for (const k of ['oblast', 'attendances', 'hours']) head.append(el('th', s(`sup.figures.${k}`), { scope: 'col' }));
    table.append(el('thead'), el('tbody'));
    table.tHead!.append(head);
    for (const r of data.by_oblast) {
      const tr = el('tr');
      tr.append(
        el('th', oblastName(r.oblast), { scope: 'row' }),
        el('td', num.format(r.attendances)),
        el('td', num.format(r.hours)),
      );
      table.tBodies[0]!.append(tr);
    }
    box.append(table, ...(hidden ? [hidden] : []));
  }

  let role = '';
  async function refreshLearner() {
    const mine = await loadMine();
    await loadUpcoming(true, mine);
  }

  async function start() {
    const me = await api<{ user: { id: number; role: string } }>('/api/me');
    if (!me.res.ok) {
      $('[data-signin]').hidden = false;
      return;
    }
    role = me.data.user.role;
    await loadOblasts();
    if (role === 'supervisor') {
      $('[data-schedule-box]').hidden = false;
      await Promise.all([loadLed(), loadUpcoming(false, new Set()), loadFigures()]);
    } else if (LEARNERS.includes(role)) await refreshLearner();
    else if (role === 'admin') await loadFigures();
  }

  const schedule = $<HTMLFormElement>('[data-schedule]');
  schedule.addEventListener('submit', (e) => {
    e.preventDefault();
    const f = new FormData(schedule);
    for (const name of ['title', 'date', 'time', 'place']) {
      const input = schedule.querySelector<HTMLInputElement>(`[name=${name}]`)!;
      if (!input.value.trim()) return input.focus();
    }
    // The date and time are the supervisor's local time; the server stores the instant.
    const startsAt = new Date(`${String(f.get('date'))}T${String(f.get('time'))}`);
    if (Number.isNaN(startsAt.getTime())) return schedule.querySelector<HTMLInputElement>('[name=date]')!.focus();
    void api<{ id: number }>('/api/supervision/sessions', {
      body: {
        title: String(f.get('title')).trim(),
        starts_at: startsAt.toISOString(),
        duration_minutes: Number(f.get('duration')),
        format: f.get('format'),
        place: String(f.get('place')).trim(),
        capacity: Number(f.get('capacity')),
        oblast: f.get('oblast'),
      },
    }).then(async ({ res, data }) => {
      if (!res.ok) {
        status.textContent = reason(res, data);
        return;
      }
      schedule.reset();
      status.textContent = s('sup.created');
      await Promise.all([loadLed(), loadUpcoming(false, new Set())]);
    });
  });

  $('[data-led]').addEventListener('click', (e) => {
    const b = (e.target as Element).closest<HTMLButtonElement>('[data-attendees]');
    const session = b && led.find((x) => x.id === Number(b.dataset.attendees));
    if (session) void showAttendees(session);
    const c = (e.target as Element).closest<HTMLButtonElement>('[data-cancel-session]');
    const off = c && led.find((x) => x.id === Number(c.dataset.cancelSession));
    if (!c || !off || !confirm(s('sup.confirmCancelSession', { title: off.title }))) return;
    c.disabled = true;
    void api(`/api/supervision/sessions/${off.id}/cancel`, { method: 'POST' }).then(async ({ res, data }) => {
      status.textContent = res.ok ? s('sup.didCancelSession', { title: off.title }) : reason(res, data);
      await Promise.all([loadLed(), loadUpcoming(false, new Set())]);
    });
  });

  $('[data-upcoming]').addEventListener('click', (e) => {
    const b = (e.target as Element).closest<HTMLButtonElement>('[data-signup], [data-cancel]');
    if (!b) return;
    const signUp = b.hasAttribute('data-signup');
    const id = signUp ? b.dataset.signup : b.dataset.cancel;
    const title = b.closest('article')?.querySelector('h3')?.textContent ?? '';
    b.disabled = true;
    void api(`/api/supervision/sessions/${id}/signup`, { method: signUp ? 'POST' : 'DELETE' }).then(
      async ({ res, data }) => {
        status.textContent = res.ok ? s(signUp ? 'sup.didSignUp' : 'sup.didCancel', { title }) : reason(res, data);
        await refreshLearner();
        // Keep the keyboard where it was: on the session's new button (sign up ↔ cancel).
        root.querySelector<HTMLButtonElement>(`[data-session="${id}"] button`)?.focus();
      },
    );
  });

  void start();
}
