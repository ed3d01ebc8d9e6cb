/**
 * The identifying-data check (issue #24): before a consultation request or reply is sent, find what
 * looks like data identifying a child — a name with a surname, a date of birth, a phone number, an
 * email, an address, a school or class, a criminal-proceedings (ЄРДР) number — so the writer can
 * remove it or confirm it is not about the child. Pure and dependency-free: the request page runs it
 * in the browser and the API runs it again on the server. Heuristics, not a guarantee; its measured
 * precision and recall are in docs/consultation.md.
 */

export type IdentifyingKind = 'name' | 'dob' | 'phone' | 'email' | 'address' | 'school_class' | 'erdr';

export interface Finding {
  kind: IdentifyingKind;
  /** Offsets into the text, for highlighting: `text.slice(start, end)`. */
  start: number;
  end: number;
  match: string;
}

export const KIND_LABELS: Record<IdentifyingKind, { uk: string; en: string }> = {
  name: { uk: "ім'я з прізвищем", en: 'a name with a surname' },
  dob: { uk: 'дата народження', en: 'a date of birth' },
  phone: { uk: 'номер телефону', en: 'a phone number' },
  email: { uk: 'електронна адреса', en: 'an email address' },
  address: { uk: 'адреса', en: 'an address' },
  school_class: { uk: 'школа або клас', en: 'a school or class' },
  erdr: { uk: 'номер ЄРДР', en: 'a criminal-proceedings (ЄРДР) number' },
};

const UP = 'A-ZА-ЩЬЮЯЄІЇҐ';
const LO = "a-zа-щьюяєіїґ'’";
const CAP = `[${UP}][${LO}]+(?:-[${UP}][${LO}]+)?`;
/** Word boundary that knows Cyrillic (JS `\b` only knows ASCII letters). */
const B0 = `(?<![${UP}${LO}0-9])`;
const B1 = `(?![${UP}${LO}0-9])`;

/** Common first names (uk and en), for names whose surname has no telling ending. */
const FIRST_NAMES = new Set(
  (
    'Олександр Олександра Олена Марія Дмитро Анна Максим Софія Богдан Юлія Василь Оксана Іван Катерина Роман Дарина ' +
    'Назар Вікторія Остап Ярослава Михайло Христина Андрій Ірина Тарас Наталія Наталя Сергій Світлана Ольга Тетяна ' +
    'Микола Петро Павло Віктор Юрій Олег Ігор Артем Денис Владислав Володимир Євген Кирило Матвій Тимофій Данило Марко ' +
    'Злата Мирослава Поліна Єва Аліна Діана Карина Вероніка Валерія Соломія Анастасія Людмила Галина Надія Любов ' +
    "Софійка Марійка Андрійко Мар’яна Мар'яна Устина Роксолана Ліза Саша Женя Олесь Степан Григорій Федір Ілля " +
    'John James Michael David Robert William Mary Emma Olivia Sophie Emily Anna Jack Harry Oliver Thomas George ' +
    'Daniel Lucy Chloe Amelia Jessica Sarah Laura Peter Paul Mark Alex Alexander Maria Kate Katie Tom Ben Sam Lily Mia Ella'
  ).split(/\s+/),
);
/** Surname endings that are rare among ordinary capitalised words. */
const SURNAME =
  /(?:енко|ко|ук|юк|чук|щук|ак|як|ич|ович|евич|ін|їн|ов|ова|ев|ева|єв|єва|ський|цький|ська|цька|зький|зька|ишин|ін|ина|ів|сон|ман)$/u;
/** Words that look like names but are not (institutions, places, months, sentence starters). */
const NOT_NAMES = new Set(
  (
    'Україна України Україні Київ Києва Київська Київській Київської Львів Львова Харків Одеса Дніпро Полтава Суми ' +
    'Національна Національної Поліція Поліції Служба Служби Ювенальна Ювенальної Кримінальний Кримінального Кодекс ' +
    'Кодексу Конвенція Конвенції Ланцароте Барнахус Верховна Ради Рада Міністерство Міністерства Прокуратура ' +
    'Офіс Генерального Генеральний Прокурора Суд Суду Червоний Хрест ЮНІСЕФ Інтернет Телеграм Вайбер Інстаграм ' +
    'Facebook Instagram Telegram Viber TikTok Google Microsoft Apple Android Police National Ukraine Kyiv Lviv ' +
    'Convention Code Criminal Council Europe European Union Court Office Prosecutor General Ministry Interior ' +
    'Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August ' +
    'September October November December Ми Він Вона Вони Дитина Мати Батько Бабуся Дідусь Слідчий Інспектор ' +
    'Але Після Коли Якщо Під The A An After When If Her His Their Our My Mother Father Child The'
  ).split(/\s+/),
);

const MONTHS_UK = 'січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада|грудня';
const MONTHS_EN = 'January|February|March|April|May|June|July|August|September|October|November|December';
const DATE_NUM = String.raw`(?:[0-3]?\d[./-][01]?\d[./-](?:19|20)\d{2}|(?:19|20)\d{2}-[01]\d-[0-3]\d)`;
const DATE_WORDS = `(?:[0-3]?\\d\\s+(?:${MONTHS_UK})\\s+(?:19|20)\\d{2}|(?:${MONTHS_EN})\\s+[0-3]?\\d,?\\s+(?:19|20)\\d{2}|[0-3]?\\d\\s+(?:${MONTHS_EN})\\s+(?:19|20)\\d{2})`;
const BIRTH = String.raw`(?:народ\p{L}*|н\.?\s?р\.|р\.\s?н\.|д\.\s?н\.|дата\s+народження|born|date\s+of\s+birth|DOB|d\.o\.b\.)`;

interface Rule {
  kind: IdentifyingKind;
  re: RegExp;
  /** A further check on the match (e.g. that a pair of capitalised words is a name). */
  accept?: (m: RegExpExecArray) => boolean;
  /** Which capture group is the finding (default the whole match). */
  group?: number;
}

const RULES: Rule[] = [
  { kind: 'email', re: /[\p{L}0-9._%+-]{1,64}@[\p{L}0-9-]{1,63}(?:\.[\p{L}0-9-]{1,63}){0,4}\.\p{L}{2,24}/gu },
  // ЄРДР: 17 digits (first the region and year), written whole or with spaces; before phones so it wins.
  { kind: 'erdr', re: /(?<!\d)\d{17}(?!\d)/gu },
  { kind: 'erdr', re: /(?:ЄРДР|ERDR|кримінальн\p{L}*\s+провадженн\p{L}*)\D{0,20}(\d[\d\s]{10,24}\d)/giu, group: 1 },
  {
    kind: 'phone',
    re: /(?<![\d\w])(?:\+?38[\s-]?)?\(?0\d{2}\)?[\s-]?\d{3}[\s-]?\d{2}[\s-]?\d{2}(?!\d)|(?<![\d\w])\+\d{1,3}[\s-]?\(?\d{2,4}\)?(?:[\s-]?\d{2,4}){2,4}(?!\d)/gu,
  },
  // A date next to a word about birth, either order; or a year of birth ("2013 р.н.").
  {
    kind: 'dob',
    re: new RegExp(`${BIRTH}[\\s:,]{0,4}(?:\\p{L}+\\s){0,2}(${DATE_NUM}|${DATE_WORDS}|(?:19|20)\\d{2})`, 'giu'),
    group: 1,
  },
  {
    kind: 'dob',
    re: new RegExp(`(${DATE_NUM}|${DATE_WORDS}|(?:19|20)\\d{2})\\s*(?:року\\s+|р\\.\\s*)?${BIRTH}`, 'giu'),
    group: 1,
  },
  {
    kind: 'address',
    re: new RegExp(
      `${B0}(?:вул\\.|вулиц[яіюею]|просп\\.|проспект\\p{L}*|пров\\.|провул\\p{L}*|бульв\\.|бульвар\\p{L}*|пл\\.|площ[аі])\\s*[${UP}0-9][^\\n,;]{1,40},?\\s*(?:буд\\.?\\s*)?\\d+[${LO}]?(?:,?\\s*кв\\.?\\s*\\d+)?`,
      'gu',
    ),
  },
  {
    kind: 'address',
    re: /\b\d{1,4}[a-z]?\s+(?:[A-Z][a-z]+\s){1,3}(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Lane|Ln\.?|Drive|Dr\.?|Close|Way)\b(?:,?\s*(?:apt|flat|apartment)\.?\s*\d+)?/gu,
  },
  { kind: 'address', re: /(?<![\p{L}])(?:кв\.|квартир[аіа])\s*№?\s*\d+|\b(?:apt|flat|apartment)\.?\s*#?\d+/giu },
  {
    kind: 'school_class',
    re: new RegExp(
      `${B0}(?:школ\\p{L}*|ЗЗСО|ЗОШ|НВК|гімназі\\p{L}*|ліце\\p{L}*|ліцей)\\s*(?:І-ІІІ\\s+ступенів\\s*)?№\\s*\\d+|${B0}(?:школ\\p{L}*|гімназі\\p{L}*|ліце\\p{L}*)\\s+№?\\s*\\d+${B1}`,
      'giu',
    ),
  },
  {
    kind: 'school_class',
    re: new RegExp(
      `${B0}(?:[1-9]|1[0-2])\\s?[-–]?\\s?[“"«]?[АБВГДЕабвгде][”"»]?\\s+клас\\p{L}*|${B0}(?:[1-9]|1[0-2])[-–][АБВГДабвгд]${B1}`,
      'gu',
    ),
  },
  {
    kind: 'school_class',
    re: /\b(?:School|Academy|Lyceum|Gymnasium)\s+(?:No\.?|#|number)\s*\d+\b|\b[A-Z][a-z]+\s+(?:Primary|Secondary|High)\s+School\b|\b(?:class|form|grade|year)\s+(?:[1-9]|1[0-2])[-\s]?[A-D]\b/gu,
  },
  // A first name and a surname (either order), optionally a patronymic; or a surname with initials.
  {
    kind: 'name',
    re: new RegExp(`${B0}(${CAP})\\s+(${CAP})(?:\\s+(${CAP}))?${B1}`, 'gu'),
    accept: (m) => looksLikeName(m[1]!, m[2]!, m[3]),
  },
  {
    kind: 'name',
    re: new RegExp(`${B0}${CAP}\\s+[${UP}]\\.\\s?[${UP}]\\.`, 'gu'),
    accept: (m) => !NOT_NAMES.has(m[0].split(/\s/)[0]!),
  },
  {
    kind: 'name',
    re: new RegExp(`${B0}[${UP}]\\.\\s?(?:[${UP}]\\.\\s?)?${CAP}`, 'gu'),
    accept: (m) => SURNAME.test(m[0]),
  },
  { kind: 'name', re: /\b(?:Mr|Mrs|Ms|Miss)\.?\s+[A-Z][a-z]+/gu },
];

const PATRONYMIC = /(?:ович|евич|йович|івна|ївна|овна|ична|ич)$/u;

function looksLikeName(a: string, b: string, c?: string): boolean {
  if (NOT_NAMES.has(a) || NOT_NAMES.has(b)) return false;
  const first = (w: string) => FIRST_NAMES.has(w);
  const surname = (w: string) => SURNAME.test(w) && w.length > 3;
  if (c && PATRONYMIC.test(c)) return true;
  return (first(a) && (surname(b) || !first(b))) || (first(b) && surname(a));
}

/** Everything in `text` that looks like identifying data, in order, overlaps merged (first rule wins). */
export function findIdentifying(text: string): Finding[] {
  const found: Finding[] = [];
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    for (let m = rule.re.exec(text); m; m = rule.re.exec(text)) {
      if (m[0].length === 0) {
        rule.re.lastIndex++;
        continue;
      }
      if (rule.accept && !rule.accept(m)) {
        // Try again from the next word: "Дівчинка Марія Петренко" is not a name at "Дівчинка" but is at "Марія".
        rule.re.lastIndex = m.index + 1;
        continue;
      }
      const part = rule.group ? m[rule.group] : m[0];
      if (!part) continue;
      const start = rule.group ? m.index + m[0].indexOf(part) : m.index;
      const end = start + part.length;
      if (found.some((f) => start < f.end && f.start < end)) continue;
      found.push({ kind: rule.kind, start, end, match: part });
    }
  }
  return found.sort((x, y) => x.start - y.start);
}

/** The kinds found, for a short summary ("a phone number, a date of birth"). */
export const kindsOf = (findings: Finding[]): IdentifyingKind[] => [...new Set(findings.map((f) => f.kind))];
