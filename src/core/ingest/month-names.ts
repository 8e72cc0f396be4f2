// Month and weekday names as sales exports write them, in the seven languages
// headers are read in: full names and the abbreviations Excel and ERP date
// formats print (`05-Jan-24`, `5 janv. 2024`, `Mo., 01.01.2024`).

const MONTHS: readonly (readonly string[])[] = [
  [
    'jan',
    'january',
    'januar',
    'janv',
    'janvier',
    'ene',
    'enero',
    'gen',
    'gennaio',
    'janeiro',
    'januari',
  ],
  [
    'feb',
    'february',
    'februar',
    'fev',
    'fevr',
    'fevrier',
    'febrero',
    'febbraio',
    'fevereiro',
    'februari',
  ],
  ['mar', 'march', 'marz', 'mrz', 'mars', 'marzo', 'marco', 'maart', 'mrt'],
  ['apr', 'april', 'avr', 'avril', 'abr', 'abril', 'aprile'],
  ['may', 'mai', 'mayo', 'mag', 'maggio', 'maio', 'mei'],
  ['jun', 'june', 'juni', 'juin', 'junio', 'giu', 'giugno', 'junho'],
  ['jul', 'july', 'juli', 'juil', 'juillet', 'julio', 'lug', 'luglio', 'julho'],
  ['aug', 'august', 'aout', 'ago', 'agosto', 'augustus'],
  ['sep', 'sept', 'september', 'septembre', 'septiembre', 'set', 'settembre', 'setembro'],
  ['oct', 'okt', 'october', 'oktober', 'octobre', 'octubre', 'ott', 'ottobre', 'out', 'outubro'],
  ['nov', 'november', 'novembre', 'noviembre', 'novembro'],
  ['dec', 'dez', 'december', 'dezember', 'decembre', 'dic', 'diciembre', 'dicembre', 'dezembro'],
];

const MONTH_OF = new Map(MONTHS.flatMap((names, i) => names.map((n) => [n, i + 1] as const)));

const WEEKDAYS = new Set([
  ...['mon', 'tue', 'tues', 'wed', 'thu', 'thur', 'thurs', 'fri', 'sat', 'sun'],
  ...['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'],
  ...['mo', 'di', 'mi', 'do', 'fr', 'sa', 'so'],
  ...['montag', 'dienstag', 'mittwoch', 'donnerstag', 'freitag', 'samstag', 'sonntag'],
  ...['lun', 'mar', 'mer', 'jeu', 'ven', 'sam', 'dim'],
  ...['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'],
]);

/** Lower case, accents dropped, letters only: `Févr.` → `fevr`, `März` → `marz`. */
function plainWord(word: string): string {
  return word
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z]/g, '');
}

/** The month (1–12) a name or abbreviation stands for, or undefined. */
export function monthOfName(word: string): number | undefined {
  return MONTH_OF.get(plainWord(word));
}

const MONTH_NUMBER = /^(0?[1-9]|1[0-2])$/;

/** A month column's cell as its month (1–12): a number (`3`, `03`) or a name (`Mär`); else undefined. */
export function monthOfCell(cell: string): number | undefined {
  return MONTH_NUMBER.test(cell) ? Number(cell) : monthOfName(cell);
}

export function isWeekdayName(word: string): boolean {
  return WEEKDAYS.has(plainWord(word));
}
