/**
 * Ukraine's first-level administrative units by their ISO 3166-2:UA codes (short, stable, and the
 * same in both locales). Created by the consultation work (issue #24) as the list it validates
 * against. `region` is the unit's KATOTTH region number in the programme's register
 * (content/data/oblasts.yaml): mostly the same two digits, but not for Luhansk (44/UA-09), Crimea
 * (01/UA-43), Kyiv (80/UA-30), Sevastopol (85/UA-40) and Chernivtsi (73/UA-77).
 * Source: ISO 3166-2:UA (https://www.iso.org/obp/ui/#iso:code:3166:UA).
 */
import { z } from 'zod';

export const OBLASTS = {
  'UA-05': { region: '05', uk: 'Вінницька область', en: 'Vinnytsia Oblast' },
  'UA-07': { region: '07', uk: 'Волинська область', en: 'Volyn Oblast' },
  'UA-09': { region: '44', uk: 'Луганська область', en: 'Luhansk Oblast' },
  'UA-12': { region: '12', uk: 'Дніпропетровська область', en: 'Dnipropetrovsk Oblast' },
  'UA-14': { region: '14', uk: 'Донецька область', en: 'Donetsk Oblast' },
  'UA-18': { region: '18', uk: 'Житомирська область', en: 'Zhytomyr Oblast' },
  'UA-21': { region: '21', uk: 'Закарпатська область', en: 'Zakarpattia Oblast' },
  'UA-23': { region: '23', uk: 'Запорізька область', en: 'Zaporizhzhia Oblast' },
  'UA-26': { region: '26', uk: 'Івано-Франківська область', en: 'Ivano-Frankivsk Oblast' },
  'UA-30': { region: '80', uk: 'Київ', en: 'Kyiv (city)' },
  'UA-32': { region: '32', uk: 'Київська область', en: 'Kyiv Oblast' },
  'UA-35': { region: '35', uk: 'Кіровоградська область', en: 'Kirovohrad Oblast' },
  'UA-40': { region: '85', uk: 'Севастополь', en: 'Sevastopol (city)' },
  'UA-43': { region: '01', uk: 'Автономна Республіка Крим', en: 'Autonomous Republic of Crimea' },
  'UA-46': { region: '46', uk: 'Львівська область', en: 'Lviv Oblast' },
  'UA-48': { region: '48', uk: 'Миколаївська область', en: 'Mykolaiv Oblast' },
  'UA-51': { region: '51', uk: 'Одеська область', en: 'Odesa Oblast' },
  'UA-53': { region: '53', uk: 'Полтавська область', en: 'Poltava Oblast' },
  'UA-56': { region: '56', uk: 'Рівненська область', en: 'Rivne Oblast' },
  'UA-59': { region: '59', uk: 'Сумська область', en: 'Sumy Oblast' },
  'UA-61': { region: '61', uk: 'Тернопільська область', en: 'Ternopil Oblast' },
  'UA-63': { region: '63', uk: 'Харківська область', en: 'Kharkiv Oblast' },
  'UA-65': { region: '65', uk: 'Херсонська область', en: 'Kherson Oblast' },
  'UA-68': { region: '68', uk: 'Хмельницька область', en: 'Khmelnytskyi Oblast' },
  'UA-71': { region: '71', uk: 'Черкаська область', en: 'Cherkasy Oblast' },
  'UA-74': { region: '74', uk: 'Чернігівська область', en: 'Chernihiv Oblast' },
  'UA-77': { region: '73', uk: 'Чернівецька область', en: 'Chernivtsi Oblast' },
} as const satisfies Record<string, { region: string; uk: string; en: string }>;

export type OblastCode = keyof typeof OBLASTS;
export const OBLAST_CODES = Object.keys(OBLASTS) as OblastCode[];
export const isOblast = (code: string): code is OblastCode => Object.hasOwn(OBLASTS, code);
export const oblastField = z
  .string()
  .refine(isOblast, { message: `an oblast code (ISO 3166-2:UA), one of ${OBLAST_CODES.join(', ')}` });
