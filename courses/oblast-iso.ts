/**
 * Ukraine's first-level administrative units by their ISO 3166-2:UA codes (short, stable, and the
 * same in both locales). Created by the consultation work (issue #24) as the list it validates
 * against; the programme's official register (KATOTTH) can map onto these codes.
 * Source: ISO 3166-2:UA (https://www.iso.org/obp/ui/#iso:code:3166:UA).
 */
import { z } from 'zod';

export const OBLASTS = {
  'UA-05': { uk: 'Вінницька область', en: 'Vinnytsia Oblast' },
  'UA-07': { uk: 'Волинська область', en: 'Volyn Oblast' },
  'UA-09': { uk: 'Луганська область', en: 'Luhansk Oblast' },
  'UA-12': { uk: 'Дніпропетровська область', en: 'Dnipropetrovsk Oblast' },
  'UA-14': { uk: 'Донецька область', en: 'Donetsk Oblast' },
  'UA-18': { uk: 'Житомирська область', en: 'Zhytomyr Oblast' },
  'UA-21': { uk: 'Закарпатська область', en: 'Zakarpattia Oblast' },
  'UA-23': { uk: 'Запорізька область', en: 'Zaporizhzhia Oblast' },
  'UA-26': { uk: 'Івано-Франківська область', en: 'Ivano-Frankivsk Oblast' },
  'UA-30': { uk: 'місто Київ', en: 'Kyiv City' },
  'UA-32': { uk: 'Київська область', en: 'Kyiv Oblast' },
  'UA-35': { uk: 'Кіровоградська область', en: 'Kirovohrad Oblast' },
  'UA-40': { uk: 'місто Севастополь', en: 'Sevastopol' },
  'UA-43': { uk: 'Автономна Республіка Крим', en: 'Autonomous Republic of Crimea' },
  'UA-46': { uk: 'Львівська область', en: 'Lviv Oblast' },
  'UA-48': { uk: 'Миколаївська область', en: 'Mykolaiv Oblast' },
  'UA-51': { uk: 'Одеська область', en: 'Odesa Oblast' },
  'UA-53': { uk: 'Полтавська область', en: 'Poltava Oblast' },
  'UA-56': { uk: 'Рівненська область', en: 'Rivne Oblast' },
  'UA-59': { uk: 'Сумська область', en: 'Sumy Oblast' },
  'UA-61': { uk: 'Тернопільська область', en: 'Ternopil Oblast' },
  'UA-63': { uk: 'Харківська область', en: 'Kharkiv Oblast' },
  'UA-65': { uk: 'Херсонська область', en: 'Kherson Oblast' },
  'UA-68': { uk: 'Хмельницька область', en: 'Khmelnytskyi Oblast' },
  'UA-71': { uk: 'Черкаська область', en: 'Cherkasy Oblast' },
  'UA-74': { uk: 'Чернівецька область', en: 'Chernivtsi Oblast' },
  'UA-77': { uk: 'Чернігівська область', en: 'Chernihiv Oblast' },
} as const satisfies Record<string, { uk: string; en: string }>;

export type OblastCode = keyof typeof OBLASTS;
export const OBLAST_CODES = Object.keys(OBLASTS) as OblastCode[];
export const isOblast = (code: string): code is OblastCode => Object.hasOwn(OBLASTS, code);
export const oblastField = z
  .string()
  .refine(isOblast, { message: `an oblast code (ISO 3166-2:UA), one of ${OBLAST_CODES.join(', ')}` });
