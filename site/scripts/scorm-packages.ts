/** The instructor workspace's list of exported SCORM packages, with download links. */
import { formatBytes } from '../../courses/format.ts';
import type { Answer } from '../lib/api/types.ts';

const box = document.querySelector<HTMLElement>('[data-scorm-packages]');
if (box) {
  const s = JSON.parse(document.getElementById('scorm-dl-strings')!.textContent!) as Record<string, string>;
  const titles = JSON.parse(box.dataset.titles!) as Record<string, string>;
  fetch('/api/scorm', { credentials: 'same-origin' })
    .then((r) => (r.ok ? r.json() : null))
    .then((data: Answer<'/api/scorm', 'get'> | null) => {
      if (!data) return;
      box.hidden = false;
      const body = box.querySelector('tbody')!;
      if (!data.packages.length) {
        box.querySelector('table')!.hidden = true;
        box.querySelector<HTMLElement>('[data-none]')!.hidden = false;
        return;
      }
      for (const p of data.packages) {
        const tr = document.createElement('tr');
        const cells = [
          titles[p.course] ?? p.course,
          p.locale,
          p.version,
          formatBytes(p.bytes, document.documentElement.lang === 'en' ? 'en' : 'uk'),
        ];
        for (const text of cells) tr.appendChild(Object.assign(document.createElement('td'), { textContent: text }));
        const link = Object.assign(document.createElement('a'), {
          href: p.url,
          textContent: `${s['scormdl.download']} ${p.file}`,
        });
        link.setAttribute('download', p.file);
        const td = document.createElement('td');
        td.appendChild(link);
        tr.appendChild(td);
        body.appendChild(tr);
      }
    })
    .catch(() => undefined);
}
