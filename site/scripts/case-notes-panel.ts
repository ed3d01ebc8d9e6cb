/**
 * Case notes on the consultation page, for supervisors (issue #24): the closed requests they answered
 * (write a de-identified note from one), the notes other supervisors wrote that wait for a second
 * supervisor's review (approve and publish, or return with a comment), and their own notes (rewrite a
 * returned one). The identifying-data check runs before sending, as on the request form; a note may
 * carry nothing it finds (the server refuses it too), so there is no "not about the child" confirmation.
 */
import { findIdentifying } from '../../courses/consultation/identifying.ts';
import { showFindings } from './identifying-findings.ts';
import { api, el, reason } from './page-helpers.ts';

interface Answered {
  id: number;
  topic: string;
  oblast: string;
  closed_at: string | null;
  has_note: boolean;
}
interface Note {
  id: number;
  title: string;
  body: string;
  locale: 'uk' | 'en';
  status: 'pending' | 'returned' | 'published';
  review_comment: string | null;
  mine: boolean;
}

export function caseNotesPanel(
  box: HTMLElement,
  locale: 'uk' | 'en',
  s: (key: string, vars?: Record<string, string | number>) => string,
  status: HTMLElement,
) {
  const $ = <T extends HTMLElement>(sel: string) => box.querySelector<T>(sel)!;
  const form = $<HTMLFormElement>('[data-note-form]');
  const heading = $('[data-note-form-title]');
  let target: { consultation: number } | { note: number } | null = null;
  let mine: Note[] = [];

  function open(title: string, values: { title?: string; body?: string; locale?: string } = {}) {
    form.hidden = false;
    heading.textContent = title;
    form.querySelector<HTMLInputElement>('#note-title')!.value = values.title ?? '';
    form.querySelector<HTMLTextAreaElement>('#note-body')!.value = values.body ?? '';
    form.querySelector<HTMLSelectElement>('#note-locale')!.value = values.locale ?? locale;
    form.querySelector<HTMLSelectElement>('#note-locale')!.disabled = 'note' in (target ?? {});
    showFindings(form, '', [], locale, '');
    box.hidden = false;
    heading.focus();
  }

  function write(consultationId: number) {
    target = { consultation: consultationId };
    open(s('cons.notes.formFor', { id: consultationId }));
  }

  function rewrite(note: Note) {
    target = { note: note.id };
    open(s('cons.notes.formRewrite', { id: note.id }), note);
  }

  async function loadAnswered() {
    const { res, data } = await api<{ consultations: Answered[] }>('/api/consultations/answered');
    if (!res.ok) return;
    const list = $('[data-answered]');
    list.replaceChildren();
    if (!data.consultations.length) list.append(el('li', s('cons.notes.noAnswered')));
    for (const c of data.consultations) {
      const li = el('li');
      li.append(el('a', `#${c.id} · ${c.oblast}`, { href: `?id=${c.id}` }), ' ');
      if (c.has_note) li.append(el('span', `(${s('cons.notes.hasNote')})`));
      else
        li.append(
          el('button', s('cons.notes.write'), {
            type: 'button',
            class: 'secondary',
            'data-note-for': String(c.id),
            'aria-label': `${s('cons.notes.write')}: #${c.id}`,
          }),
        );
      list.append(li);
    }
  }

  async function loadNotes() {
    const { res, data } = await api<{ notes: Note[] }>('/api/case-notes/review');
    if (!res.ok) return;
    mine = data.notes.filter((n) => n.mine);
    const review = $('[data-review]');
    review.replaceChildren();
    const waiting = data.notes.filter((n) => !n.mine && n.status === 'pending');
    if (!waiting.length) review.append(el('p', s('cons.notes.noReview')));
    for (const n of waiting) {
      const article = el('article', undefined, { class: 'card', 'data-review-note': String(n.id) });
      const h = el('h4', n.title);
      if (n.locale !== locale) h.lang = n.locale;
      const body = el('p', n.body);
      body.style.whiteSpace = 'pre-line';
      if (n.locale !== locale) body.lang = n.locale;
      const f = el('form', undefined, { 'data-review-form': String(n.id) });
      const field = el('div', undefined, { class: 'field' });
      field.append(
        el('label', s('cons.notes.comment'), { for: `review-comment-${n.id}` }),
        el('textarea', undefined, { id: `review-comment-${n.id}`, name: 'comment', rows: '3', maxlength: '1000' }),
      );
      f.append(
        field,
        el('button', s('cons.notes.approve'), { type: 'submit', value: 'approve', 'data-approve': '' }),
        ' ',
        el('button', s('cons.notes.return'), { type: 'submit', value: 'return', class: 'secondary' }),
      );
      article.append(h, body, f);
      review.append(article);
    }
    const list = $('[data-my-notes]');
    list.replaceChildren();
    if (!mine.length) list.append(el('li', s('cons.notes.noMine')));
    for (const n of mine) {
      const li = el('li');
      li.append(`${n.title} · ${s(`cons.notes.status.${n.status}`)}`);
      if (n.review_comment) li.append(el('br'), s('cons.notes.reviewComment', { comment: n.review_comment }));
      if (n.status === 'returned')
        li.append(
          ' ',
          el('button', s('cons.notes.rewrite'), {
            type: 'button',
            class: 'secondary',
            'data-rewrite': String(n.id),
            'aria-label': `${s('cons.notes.rewrite')}: ${n.title}`,
          }),
        );
      list.append(li);
    }
  }

  async function load() {
    box.hidden = false;
    await Promise.all([loadAnswered(), loadNotes()]);
  }

  $('[data-answered]').addEventListener('click', (e) => {
    const b = (e.target as Element).closest<HTMLButtonElement>('[data-note-for]');
    if (b) write(Number(b.dataset.noteFor));
  });
  $('[data-my-notes]').addEventListener('click', (e) => {
    const b = (e.target as Element).closest<HTMLButtonElement>('[data-rewrite]');
    const note = b && mine.find((n) => n.id === Number(b.dataset.rewrite));
    if (note) rewrite(note);
  });
  $('[data-note-cancel]').addEventListener('click', () => {
    form.hidden = true;
    target = null;
  });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!target) return;
    const f = new FormData(form);
    const title = String(f.get('title') ?? '').trim();
    const body = String(f.get('body') ?? '').trim();
    if (!title) return form.querySelector<HTMLInputElement>('#note-title')!.focus();
    if (body.length < 50) return form.querySelector<HTMLTextAreaElement>('#note-body')!.focus();
    const text = `${title}\n${body}`;
    const findings = findIdentifying(text);
    showFindings(form, text, findings, locale, `${s('cons.found')} ${s('cons.notes.remove')}`);
    if (findings.length) return form.querySelector<HTMLTextAreaElement>('#note-body')!.focus();
    const request =
      'note' in target
        ? api(`/api/case-notes/${target.note}`, { method: 'PUT', body: { title, body } })
        : api('/api/case-notes', {
            body: { consultation_id: target.consultation, locale: f.get('locale') ?? locale, title, body },
          });
    void request.then(async ({ res, data }) => {
      if (!res.ok) {
        status.textContent = reason(res, data);
        return;
      }
      form.hidden = true;
      target = null;
      status.textContent = s('cons.notes.sent');
      await load();
    });
  });

  $('[data-review]').addEventListener('submit', (e) => {
    e.preventDefault();
    const f = e.target as HTMLFormElement;
    const id = Number(f.dataset.reviewForm);
    const approve = (e as SubmitEvent).submitter?.hasAttribute('data-approve') ?? false;
    const comment = String(new FormData(f).get('comment') ?? '').trim();
    for (const b of f.querySelectorAll('button')) b.disabled = true;
    void api(`/api/case-notes/${id}/review`, { body: { approve, ...(comment ? { comment } : {}) } }).then(
      async ({ res, data }) => {
        if (!res.ok) {
          status.textContent = reason(res, data);
          for (const b of f.querySelectorAll('button')) b.disabled = false;
          return;
        }
        status.textContent = s(approve ? 'cons.notes.approved' : 'cons.notes.returned');
        await loadNotes();
      },
    );
  });

  return { load, write };
}
