/**
 * A corpus for the identifying-data check (courses/consultation/identifying.ts): sentences officers
 * might write, each with the kinds of identifying data it really holds (empty: none). Made up; any
 * likeness to a real person is accidental. Written from the issue's list, not from the rules' regexes.
 */
import type { IdentifyingKind } from '../../courses/consultation/identifying.ts';

export interface Example {
  text: string;
  kinds: IdentifyingKind[];
  lang: 'uk' | 'en';
}

export const CORPUS: Example[] = [
  // --- Ukrainian, holding identifying data
  { lang: 'uk', kinds: ['name'], text: 'Дівчинка Софія Ткаченко розповіла вчительці про листування з дорослим.' },
  {
    lang: 'uk',
    kinds: ['name', 'dob'],
    text: 'Потерпілий Кравчук Дмитро, 14.05.2012 р.н., не хоче говорити при матері.',
  },
  { lang: 'uk', kinds: ['phone'], text: 'Мати просить передзвонити їй на 067 123 45 67 після обіду.' },
  { lang: 'uk', kinds: ['phone'], text: 'Номер, з якого писали дитині: +380 93 765 43 21.' },
  { lang: 'uk', kinds: ['email'], text: 'Підозрюваний писав з адреси kotyk2010@ukr.net, як зберегти ці листи?' },
  { lang: 'uk', kinds: ['address'], text: 'Дитина живе на вул. Городоцькій, 115, кв. 12, з бабусею.' },
  { lang: 'uk', kinds: ['school_class'], text: 'Хлопчик навчається у 6-А класі, класна керівниця помітила зміни.' },
  { lang: 'uk', kinds: ['school_class'], text: 'Випадок стався в школі № 87, директор не хоче розголосу.' },
  { lang: 'uk', kinds: ['erdr'], text: 'Відомості внесено до ЄРДР за № 12024140000000517, як кваліфікувати далі?' },
  { lang: 'uk', kinds: ['name', 'school_class'], text: 'Учениця ліцею № 3 Олена Марченко надіслала фото під тиском.' },
  { lang: 'uk', kinds: ['dob'], text: 'Дата народження дитини 03.11.2013, чи вважається вона малолітньою?' },
  { lang: 'uk', kinds: ['name'], text: 'Батько, Петренко Ігор Васильович, заперечує, що бачив повідомлення.' },
  { lang: 'uk', kinds: ['name'], text: 'Брат потерпілої — Назар Гнатюк — теж отримував повідомлення.' },
  {
    lang: 'uk',
    kinds: ['phone', 'name'],
    text: 'Зв’язатися з опікуном Василем Лисенком можна за тел. (044) 234-56-78.',
  },
  { lang: 'uk', kinds: ['dob'], text: 'Дівчинці 2014 року народження погрожують поширенням фото.' },
  { lang: 'uk', kinds: ['address'], text: 'Обшук плануємо за адресою просп. Науки, 24, кв. 7.' },
  { lang: 'uk', kinds: ['name'], text: 'Дитина назвала кривдника: Руденко О.П., сусід по під’їзду.' },
  { lang: 'uk', kinds: ['school_class', 'name'], text: 'Марко Савчук з 9-Б класу показав повідомлення однокласникам.' },
  { lang: 'uk', kinds: ['erdr'], text: 'Кримінальне провадження 42023000000000312 передали до іншого відділу.' },
  { lang: 'uk', kinds: ['email', 'phone'], text: 'Пошта школи info@school5.edu.ua, телефон приймальні 0322 55 66 77.' },
  { lang: 'uk', kinds: ['name', 'dob'], text: 'Анна Поліщук, народилася 21 березня 2011 року, живе з тіткою.' },
  { lang: 'uk', kinds: ['school_class'], text: 'У гімназії № 12 вже був схожий випадок минулого року.' },
  { lang: 'uk', kinds: ['name'], text: 'Психологиня Христина Олійник погодилася бути присутньою на опитуванні.' },
  { lang: 'uk', kinds: ['address'], text: 'Квартира на вулиці Шевченка 45, кв. 3, двері відчиняє сама дитина.' },
  {
    lang: 'uk',
    kinds: ['dob', 'school_class'],
    text: 'Хлопець 2010 р.н., учень 8-В класу, зник після розмови в чаті.',
  },
  // --- English, holding identifying data
  { lang: 'en', kinds: ['name'], text: 'The girl, Emily Carter, told her teacher about the messages.' },
  { lang: 'en', kinds: ['dob'], text: 'He was born on 12/04/2011, so he is under fourteen.' },
  { lang: 'en', kinds: ['phone'], text: 'The mother asked us to call her back on +44 7700 900123.' },
  { lang: 'en', kinds: ['email'], text: 'The suspect used the address darkfox99@gmail.com on the forum.' },
  { lang: 'en', kinds: ['address'], text: 'The family lives at 27 Elm Street, flat 4.' },
  { lang: 'en', kinds: ['school_class'], text: 'She is in class 7-B at Riverside Secondary School.' },
  {
    lang: 'en',
    kinds: ['name', 'dob'],
    text: 'Jack Wilson, date of birth 3 March 2012, refuses to speak without his aunt.',
  },
  { lang: 'en', kinds: ['name'], text: 'Her brother Daniel Moore also received the threats.' },
  { lang: 'en', kinds: ['erdr'], text: 'The proceedings were registered in ERDR under 12023100000000456.' },
  { lang: 'en', kinds: ['school_class'], text: 'The teacher from School No. 45 reported it first.' },
  { lang: 'en', kinds: ['name'], text: 'Ms Harrison, the child’s foster mother, wants to be present.' },
  { lang: 'en', kinds: ['phone', 'name'], text: 'Call the social worker Sarah Johnson at 067 555 12 34.' },
  // --- Ukrainian, nothing identifying
  { lang: 'uk', kinds: [], text: 'Як спланувати опитування дитини 8 років, якщо вона мовчить при батьках?' },
  {
    lang: 'uk',
    kinds: [],
    text: 'Чи потрібна ухвала слідчого судді, щоб оглянути телефон, який мати добровільно передала?',
  },
  { lang: 'uk', kinds: [], text: 'Як кваліфікувати дії за ст. 156-1 КК, якщо зустрічі так і не відбулося?' },
  { lang: 'uk', kinds: [], text: 'Служба у справах дітей Київської області не відповідає на наш лист.' },
  { lang: 'uk', kinds: [], text: 'Чи можна залучати психолога до опитування в кімнаті «Барнахус» у Києві?' },
  { lang: 'uk', kinds: [], text: 'Підкажіть, як зберегти листування в Телеграм до того, як його видалять.' },
  { lang: 'uk', kinds: [], text: 'Після трьох тижнів таких справ я погано сплю, до кого звернутися?' },
  {
    lang: 'uk',
    kinds: [],
    text: 'Конвенція Ланцароте вимагає мінімізувати кількість опитувань — як це зробити на практиці?',
  },
  { lang: 'uk', kinds: [], text: 'Ювенальна превенція просить провести лекцію для батьків у школі, з чого почати?' },
  { lang: 'uk', kinds: [], text: 'Подія сталася 12.03.2024 увечері, повідомлення надійшло наступного ранку.' },
  { lang: 'uk', kinds: [], text: 'Скільки часу зберігаються дані в операторів зв’язку, щоб встигнути з запитом?' },
  { lang: 'uk', kinds: [], text: 'Наталія Бондаренко з нашого відділу радила звернутися сюди.' },
  { lang: 'uk', kinds: [], text: 'Дитині 13 років, вона навчається у 7 класі; як пояснити їй, що буде далі?' },
  { lang: 'uk', kinds: [], text: 'Чи треба повідомляти ювенальну поліцію, якщо батьки проти?' },
  { lang: 'uk', kinds: [], text: 'Ми отримали 17 скріншотів, частина з них без дат, як їх оформити?' },
  { lang: 'uk', kinds: [], text: 'Стаття 301-1 КК: чи є зберігання без поширення складом злочину?' },
  { lang: 'uk', kinds: [], text: 'У Львові вже працює центр «Барнахус», чи можна туди направити дитину з Волині?' },
  {
    lang: 'uk',
    kinds: [],
    text: 'Вчителька помітила, що дитина боїться телефону, і звернулася до шкільного психолога.',
  },
  { lang: 'uk', kinds: [], text: 'Національна поліція України має інструкцію щодо цього, але вона застаріла?' },
  { lang: 'uk', kinds: [], text: 'Хто має бути присутнім: законний представник, педагог чи психолог?' },
  { lang: 'uk', kinds: [], text: 'Як захиститися від вигорання, коли щодня бачиш такі матеріали?' },
  // --- English, nothing identifying
  {
    lang: 'en',
    kinds: [],
    text: 'How should I plan an interview with an eight-year-old who will not talk in front of her parents?',
  },
  { lang: 'en', kinds: [], text: 'Do we need a court order to examine a phone the mother handed over voluntarily?' },
  {
    lang: 'en',
    kinds: [],
    text: 'The Lanzarote Convention asks us to minimise repeated interviews; how do we do it in practice?',
  },
  { lang: 'en', kinds: [], text: 'The incident happened on 12 March 2024 in the evening.' },
  { lang: 'en', kinds: [], text: 'We received 17 screenshots from Instagram, some without dates.' },
  { lang: 'en', kinds: [], text: 'Children’s services in Kyiv Oblast have not answered our letter.' },
  {
    lang: 'en',
    kinds: [],
    text: 'Is storing material without sharing it an offence under article 301-1 of the Criminal Code?',
  },
  { lang: 'en', kinds: [], text: 'After three weeks of these cases I cannot sleep; who can I talk to?' },
  { lang: 'en', kinds: [], text: 'The school psychologist noticed the child was afraid of her phone.' },
  { lang: 'en', kinds: [], text: 'Which agencies should be at the first multi-agency meeting?' },
];
