/**
 * The certificate as a PDF: A4 landscape, black on white (prints on any office printer), Ukrainian
 * and English side by side, DejaVu Sans embedded (subset) so every Cyrillic letter renders and can
 * be copied, and a vector QR code that opens the verification page with the signed token.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';
import { formatNumericDate, formatPercent } from '../../courses/format.ts';

const FONT_DIR = path.join(
  path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')),
  'ttf',
);
let fonts: { regular: Buffer; bold: Buffer } | undefined;
export const fontFiles = () =>
  (fonts ??= {
    regular: fs.readFileSync(path.join(FONT_DIR, 'DejaVuSans.ttf')),
    bold: fs.readFileSync(path.join(FONT_DIR, 'DejaVuSans-Bold.ttf')),
  });

export interface CertificateSheet {
  code: string;
  name: string;
  courseTitle: { uk: string; en: string };
  version: string;
  issuedAt: string;
  expiresAt: string | null;
  score: number | null;
  /** The learner's role at issue (cadet, officer, specialist), when known. */
  role?: string | null;
  /** Full verification link carried by the QR code. */
  qrUrl: string;
  /** Where a person can type the code, e.g. https://oberih.example/uk/verify/ */
  verifyPage: string;
}

/** How the certificate names each learner role, Ukrainian first. */
export const ROLE_NAMES: Record<string, string> = {
  cadet: 'курсант(-ка) / cadet',
  officer: 'поліцейський(-а) / police officer',
  specialist: 'фахівець(-чиня) / specialist',
};

const BLACK = rgb(0, 0, 0);
const GREY = rgb(0.3, 0.3, 0.3);
/** dd.mm.yyyy, read the same way in Ukraine and in most of Europe. */
// Bilingual, Ukrainian first: digits for dates (read alike in both), Ukrainian number style for the score.
const day = (iso: string) => formatNumericDate(iso);

export async function certificatePdf(s: CertificateSheet): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const regular = await doc.embedFont(fontFiles().regular, { subset: true });
  const bold = await doc.embedFont(fontFiles().bold, { subset: true });
  doc.setTitle(`Сертифікат / Certificate ${s.code}`);
  doc.setSubject(`${s.courseTitle.uk} / ${s.courseTitle.en}`);
  doc.setAuthor('Oberih');
  doc.setCreator('Oberih');
  doc.setLanguage('uk');

  const page = doc.addPage([841.89, 595.28]);
  const { width: W, height: H } = page.getSize();
  page.drawRectangle({ x: 22, y: 22, width: W - 44, height: H - 44, borderColor: BLACK, borderWidth: 2.5 });
  page.drawRectangle({ x: 30, y: 30, width: W - 60, height: H - 60, borderColor: BLACK, borderWidth: 0.75 });

  const centre = (text: string, y: number, font: PDFFont, size: number, color = BLACK, max = W - 140) => {
    const fitted = fit(text, font, size, max);
    page.drawText(text, { x: (W - font.widthOfTextAtSize(text, fitted)) / 2, y, size: fitted, font, color });
    return fitted;
  };

  centre('ОБЕРІГ · OBERIH', H - 72, bold, 13);
  centre('Навчання з протидії онлайн-насильству над дітьми · Training on online child abuse', H - 90, regular, 9, GREY);
  centre('СЕРТИФІКАТ', H - 150, bold, 36);
  centre('CERTIFICATE', H - 176, regular, 16);
  centre('засвідчує, що · this certifies that', H - 214, regular, 11, GREY);
  centre(s.name, H - 256, bold, 28);
  page.drawLine({ start: { x: 160, y: H - 266 }, end: { x: W - 160, y: H - 266 }, thickness: 0.5, color: BLACK });
  centre('успішно завершив(-ла) курс · has successfully completed the course', H - 290, regular, 11, GREY);
  let y = H - 320;
  for (const line of wrap(s.courseTitle.uk, bold, 17, W - 160).slice(0, 2)) {
    centre(line, y, bold, 17);
    y -= 21;
  }
  for (const line of wrap(s.courseTitle.en, regular, 13, W - 160).slice(0, 2)) {
    centre(line, y, regular, 13);
    y -= 17;
  }

  const rows: [string, string][] = [
    ['Дата завершення / Date of completion', day(s.issuedAt)],
    ...(s.role && ROLE_NAMES[s.role] ? ([['Роль / Role', ROLE_NAMES[s.role]!]] as [string, string][]) : []),
    ['Результат / Score', s.score === null ? '—' : formatPercent(Math.round(s.score), 'uk', 0)],
    ['Версія змісту / Content version', s.version],
    ['Дійсний до / Valid until', s.expiresAt ? day(s.expiresAt) : 'безстроково / does not expire'],
    ['Код сертифіката / Certificate code', s.code],
  ];
  let ry = 158;
  for (const [label, value] of rows) {
    page.drawText(label, { x: 64, y: ry, size: 9.5, font: regular, color: GREY });
    page.drawText(value, { x: 260, y: ry, size: 10.5, font: bold, color: BLACK });
    ry -= 19;
  }
  page.drawText(`Перевірка / Verification: ${s.verifyPage}`, { x: 64, y: 50, size: 8.5, font: regular, color: GREY });

  drawQr(page, s.qrUrl, W - 64 - 128, 46, 128);
  const caption = 'Скануйте для перевірки · Scan to verify';
  page.drawText(caption, {
    x: W - 64 - 64 - regular.widthOfTextAtSize(caption, 7.5) / 2,
    y: 36,
    size: 7.5,
    font: regular,
    color: GREY,
  });
  return doc.save();
}

/** The largest size ≤ `size` (down to 60 %) at which the text fits `max`. */
function fit(text: string, font: PDFFont, size: number, max: number): number {
  let s = size;
  while (s > size * 0.6 && font.widthOfTextAtSize(text, s) > max) s -= 0.5;
  return s;
}

function wrap(text: string, font: PDFFont, size: number, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(next, size) > max) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** QR code as vector squares (sharp at any print resolution), with the 4-module quiet zone. */
function drawQr(page: PDFPage, text: string, x: number, y: number, size: number) {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = size / (n + 8);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n;) {
      if (!qr.modules.get(r, c)) {
        c++;
        continue;
      }
      let run = 1;
      while (c + run < n && qr.modules.get(r, c + run)) run++;
      // A hair of overlap so adjacent squares print without white seams.
      page.drawRectangle({
        x: x + (c + 4) * cell,
        y: y + size - (r + 5) * cell,
        width: run * cell + 0.05,
        height: cell + 0.05,
        color: BLACK,
      });
      c += run;
    }
  }
}
