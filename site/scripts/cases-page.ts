/** The case library page: searches published case notes (GET /api/case-notes); text goes in as textContent. */
const root = document.querySelector<HTMLElement>('[data-cases]');
const S = JSON.parse(document.getElementById('cases-strings')?.textContent ?? '{}') as Record<string, string>;

if (root) {
  const locale = root.dataset.locale ?? 'uk';
  const form = root.querySelector<HTMLFormElement>('[data-search]')!;
  const results = root.querySelector<HTMLElement>('[data-results]')!;
  const status = root.querySelector<HTMLElement>('[data-status]')!;
  const params = new URLSearchParams(location.search);
  const input = form.querySelector<HTMLInputElement>('input[name=q]')!;
  input.value = params.get('q') ?? '';

  const search = async () => {
    const q = new URLSearchParams();
    if (input.value.trim()) q.set('q', input.value.trim());
    for (const k of ['course_id', 'module_id', 'topic'] as const) {
      const v = params.get(k);
      if (v) q.set(k, v);
    }
    const res = await fetch(`/api/case-notes?${q}`, { credentials: 'same-origin' });
    if (res.status === 401) {
      root.querySelector<HTMLElement>('[data-signin]')!.hidden = false;
      return;
    }
    const data = (await res.json()) as { notes?: { id: number; title: string; body: string; locale: string }[] };
    results.replaceChildren();
    const notes = data.notes ?? [];
    status.textContent = notes.length ? '' : (S['cases.none'] ?? '');
    for (const n of notes) {
      const article = document.createElement('article');
      article.className = 'card';
      const h = document.createElement('h2');
      h.className = 'h3';
      h.textContent = n.title;
      if (n.locale !== locale) h.lang = n.locale;
      const p = document.createElement('p');
      p.textContent = n.body;
      p.style.whiteSpace = 'pre-line';
      article.append(h, p);
      results.append(article);
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void search();
  });
  void search();
}
