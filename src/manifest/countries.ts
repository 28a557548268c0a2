// Countries a return address may name: ISO 3166 alpha-2, alpha-3 and common English names.
// A deliberately small table (the countries devices are most often shipped to); extend as needed.

/** [alpha-2, alpha-3, English names...] */
const COUNTRIES: ReadonlyArray<readonly string[]> = [
  ['US', 'USA', 'United States', 'United States of America', 'U.S.', 'U.S.A.', 'America'],
  ['CA', 'CAN', 'Canada'],
  ['MX', 'MEX', 'Mexico'],
  ['BR', 'BRA', 'Brazil', 'Brasil'],
  ['AR', 'ARG', 'Argentina'],
  ['CL', 'CHL', 'Chile'],
  ['CO', 'COL', 'Colombia'],
  ['PE', 'PER', 'Peru'],
  ['GB', 'GBR', 'United Kingdom', 'UK', 'Great Britain', 'England', 'Scotland', 'Wales', 'Northern Ireland'],
  ['IE', 'IRL', 'Ireland', 'Republic of Ireland', 'Eire'],
  ['FR', 'FRA', 'France'],
  ['DE', 'DEU', 'Germany', 'Deutschland'],
  ['NL', 'NLD', 'Netherlands', 'The Netherlands', 'Holland'],
  ['BE', 'BEL', 'Belgium'],
  ['LU', 'LUX', 'Luxembourg'],
  ['IT', 'ITA', 'Italy', 'Italia'],
  ['ES', 'ESP', 'Spain', 'España'],
  ['PT', 'PRT', 'Portugal'],
  ['AT', 'AUT', 'Austria'],
  ['CH', 'CHE', 'Switzerland'],
  ['SE', 'SWE', 'Sweden'],
  ['NO', 'NOR', 'Norway'],
  ['DK', 'DNK', 'Denmark'],
  ['FI', 'FIN', 'Finland'],
  ['IS', 'ISL', 'Iceland'],
  ['PL', 'POL', 'Poland'],
  ['CZ', 'CZE', 'Czechia', 'Czech Republic'],
  ['SK', 'SVK', 'Slovakia'],
  ['HU', 'HUN', 'Hungary'],
  ['SI', 'SVN', 'Slovenia'],
  ['HR', 'HRV', 'Croatia'],
  ['RO', 'ROU', 'Romania'],
  ['BG', 'BGR', 'Bulgaria'],
  ['GR', 'GRC', 'Greece'],
  ['CY', 'CYP', 'Cyprus'],
  ['MT', 'MLT', 'Malta'],
  ['EE', 'EST', 'Estonia'],
  ['LV', 'LVA', 'Latvia'],
  ['LT', 'LTU', 'Lithuania'],
  ['TR', 'TUR', 'Turkey', 'Türkiye'],
  ['UA', 'UKR', 'Ukraine'],
  ['IL', 'ISR', 'Israel'],
  ['AE', 'ARE', 'United Arab Emirates', 'UAE'],
  ['SA', 'SAU', 'Saudi Arabia'],
  ['EG', 'EGY', 'Egypt'],
  ['ZA', 'ZAF', 'South Africa'],
  ['NG', 'NGA', 'Nigeria'],
  ['KE', 'KEN', 'Kenya'],
  ['IN', 'IND', 'India'],
  ['PK', 'PAK', 'Pakistan'],
  ['BD', 'BGD', 'Bangladesh'],
  ['CN', 'CHN', 'China', "People's Republic of China", 'PRC'],
  ['HK', 'HKG', 'Hong Kong'],
  ['TW', 'TWN', 'Taiwan'],
  ['JP', 'JPN', 'Japan'],
  ['KR', 'KOR', 'South Korea', 'Korea', 'Republic of Korea'],
  ['SG', 'SGP', 'Singapore'],
  ['MY', 'MYS', 'Malaysia'],
  ['TH', 'THA', 'Thailand'],
  ['VN', 'VNM', 'Vietnam', 'Viet Nam'],
  ['PH', 'PHL', 'Philippines'],
  ['ID', 'IDN', 'Indonesia'],
  ['AU', 'AUS', 'Australia'],
  ['NZ', 'NZL', 'New Zealand'],
];

/** The 27 member states of the European Union (alpha-2). */
export const EU_MEMBERS: ReadonlySet<string> = new Set(
  'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE'.split(' '),
);

function normaliseName(name: string): string {
  return name.trim().toLowerCase().replace(/\./g, '').replace(/\s+/g, ' ').replace(/^the /, '');
}

const BY_NAME: ReadonlyMap<string, string> = new Map(
  COUNTRIES.flatMap((row) => row.map((name) => [normaliseName(name), row[0] ?? ''] as const)),
);

/** ISO alpha-2 code for an alpha-2, alpha-3 or English country name (any case), or undefined. */
export function countryCode(name: string): string | undefined {
  return BY_NAME.get(normaliseName(name));
}

/** Every alpha-2 code the table knows. */
export function knownCountryCodes(): string[] {
  return COUNTRIES.map((row) => row[0] ?? '');
}

/** True when a device shipped from `from` to `to` (alpha-2) needs customs data. */
export function needsCustoms(from: string, to: string): boolean {
  if (from === to) return false;
  return !(EU_MEMBERS.has(from) && EU_MEMBERS.has(to));
}
