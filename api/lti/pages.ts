/**
 * The few HTML pages the LTI flow answers with (errors, the new-window fallback, the deep-linking
 * choice, the auto-posting forms). Each sets its own Content-Security-Policy: framing only by the
 * platform (Moodle shows tools and the deep-linking chooser in frames), forms only to us and the
 * platform, and the one inline script by its hash.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { AppEnv } from '../env.ts';

export type Locale = 'uk' | 'en';

export const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Origins of URLs (a platform's issuer, auth URL, return URL), for frame-ancestors and form-action. */
export function originsOf(urls: (string | null | undefined)[]): string[] {
  const out = new Set<string>();
  for (const u of urls) {
    if (!u) continue;
    try {
      const o = new URL(u).origin;
      if (o !== 'null') out.add(o);
    } catch {
      /* not a URL */
    }
  }
  return [...out];
}

/** Auto-submits the first form on the page (a button stays for browsers without scripts). */
const AUTO_SUBMIT = 'document.forms[0].submit();';
/** Tells the platform's registration window it may close (IMS Dynamic Registration §3.5). */
export const CLOSE_SCRIPT = "(window.opener||window.parent).postMessage({subject:'org.imsglobal.lti.close'},'*');";
const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

export function page(
  c: Context<AppEnv>,
  opts: {
    locale: Locale;
    title: string;
    body: string;
    status?: 200 | 400 | 401 | 403 | 404 | 409;
    /** Origins allowed to frame the page (the platform). */
    frameAncestors?: string[];
    /** Origins forms may post to besides ours. */
    formAction?: string[];
    script?: 'auto-submit' | 'close';
  },
) {
  const script = opts.script === 'auto-submit' ? AUTO_SUBMIT : opts.script === 'close' ? CLOSE_SCRIPT : null;
  const csp = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `script-src ${script ? hash(script) : "'none'"}`,
    `form-action 'self'${opts.formAction?.length ? ' ' + opts.formAction.join(' ') : ''}`,
    `frame-ancestors ${opts.frameAncestors?.length ? opts.frameAncestors.join(' ') : "'none'"}`,
    "base-uri 'none'",
  ].join('; ');
  c.header('Content-Security-Policy', csp);
  c.header('Cache-Control', 'no-store');
  const html = `<!doctype html>
<html lang="${opts.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(opts.title)} — Oberih</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
a.button,button{display:inline-block;padding:.6rem 1rem;border-radius:.4rem;background:#1d4e89;color:#fff;border:0;font-size:1rem;text-decoration:none;cursor:pointer}
a.button:focus,button:focus,input:focus{outline:3px solid #f5b700;outline-offset:2px}
fieldset{border:1px solid #ccc;border-radius:.4rem;margin:1rem 0}label{display:block;margin:.3rem 0}code{background:#f2f2f2;padding:0 .2rem}</style>
</head><body><main>
<h1>${esc(opts.title)}</h1>
${opts.body}
</main>${script ? `<script>${script}</script>` : ''}</body></html>`;
  return c.html(html, opts.status ?? 200);
}

const T = {
  uk: {
    failed: 'Не вдалося відкрити Oberih',
    reason: 'Причина',
    again:
      'Поверніться до курсу на платформі й відкрийте активність ще раз. Якщо помилка повториться, передайте адміністраторові код нижче.',
    code: 'Код помилки',
    newWindowTitle: 'Відкрийте Oberih у новому вікні',
    newWindow:
      'Ваш браузер не дозволяє Oberih працювати всередині сторінки платформи (вбудовані файли cookie заблоковано). Відкрийте курс у новому вікні — вхід відбудеться автоматично.',
    open: 'Відкрити в новому вікні',
  },
  en: {
    failed: 'Oberih could not be opened',
    reason: 'Reason',
    again:
      'Go back to the course on the platform and open the activity again. If it keeps failing, give your administrator the code below.',
    code: 'Error code',
    newWindowTitle: 'Open Oberih in a new window',
    newWindow:
      'Your browser does not let Oberih work inside the platform page (embedded cookies are blocked). Open the course in a new window: you will be signed in automatically.',
    open: 'Open in a new window',
  },
};
export const pageText = (locale: Locale) => T[locale];

export function errorPage(
  c: Context<AppEnv>,
  locale: Locale,
  err: { status: 400 | 401 | 403 | 409; reason: string; message: string },
  frameAncestors: string[] = [],
) {
  const t = T[locale];
  return page(c, {
    locale,
    title: t.failed,
    status: err.status,
    frameAncestors,
    body: `<p role="alert"><strong>${t.reason}:</strong> ${esc(err.message)}.</p>
<p>${t.again}</p>
<p>${t.code}: <code>${esc(err.reason)}</code></p>`,
  });
}

/** The fallback when the launch ran in a frame: a link that opens it as a top-level page. */
export function newWindowPage(c: Context<AppEnv>, locale: Locale, href: string, frameAncestors: string[]) {
  const t = T[locale];
  return page(c, {
    locale,
    title: t.newWindowTitle,
    frameAncestors,
    body: `<p>${t.newWindow}</p>
<p><a class="button" href="${esc(href)}" target="_blank" rel="noopener">${t.open}</a></p>`,
  });
}

/** A form that posts itself (the deep-linking response to the platform). */
export function autoPostPage(
  c: Context<AppEnv>,
  locale: Locale,
  action: string,
  fields: Record<string, string>,
  frameAncestors: string[],
) {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  return page(c, {
    locale,
    title: locale === 'uk' ? 'Повернення до платформи…' : 'Returning to the platform…',
    frameAncestors,
    formAction: originsOf([action]),
    script: 'auto-submit',
    body: `<form method="post" action="${esc(action)}">${inputs}<button type="submit">${locale === 'uk' ? 'Продовжити' : 'Continue'}</button></form>`,
  });
}
