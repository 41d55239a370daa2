/**
 * The console's catalogue (web/src/i18n): Dutch says everything English does, with the same placeholders and
 * plural forms; the language is chosen from a stored choice, else the browser's, else English; and the clock rule
 * shows a terminal's times in its own zone whatever the viewer's (issue 14).
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../web/src/api.js';
import { terminalClock } from '../../web/src/clock.js';
import { messageOf } from '../../web/src/errors.js';
import { chooseLanguage, i18next, localeFor, setLanguage } from '../../web/src/i18n/index.js';
import { rawCodesIn } from '../../web/src/i18n/raw-code.js';
import { en, namespaces, nl } from '../../web/src/i18n/resources.js';
import { eventTypeName, gateCheckName, plainText, readable, roleName } from '../../web/src/terms.js';

type Tree = { readonly [key: string]: string | Tree };

/** Every leaf of a namespace as `path → text`, plural suffixes kept. */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [p, v] of leaves(value, path)) out.set(p, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();
const tags = (text: string) => [...text.matchAll(/<(\/?\w+)\s*\/?>/g)].map((m) => m[1]).sort();

describe('the catalogue', () => {
  it.each(namespaces)(
    '%s: Dutch has every English key and no other, with the same placeholders and tags',
    (ns) => {
      const english = leaves(en[ns] as Tree);
      const dutch = leaves(nl[ns] as Tree);
      expect([...dutch.keys()].sort()).toEqual([...english.keys()].sort());
      for (const [key, text] of english) {
        const other = dutch.get(key) ?? '';
        expect(placeholders(other), `${ns}:${key}`).toEqual(placeholders(text));
        expect(tags(other), `${ns}:${key}`).toEqual(tags(text));
        expect(other.trim(), `${ns}:${key} is empty in Dutch`).not.toBe('');
      }
    },
  );

  it('speaks no raw code in any sentence meant for people', () => {
    for (const ns of namespaces)
      for (const tree of [en[ns], nl[ns]])
        for (const [key, text] of leaves(tree as Tree)) {
          // What sits in <code> is an identifier shown as such (a permission name an administrator types).
          const withoutPlaceholders = text
            .replace(/<code>.*?<\/code>/g, 'x')
            .replace(/\{\{[^}]*\}\}/g, 'x')
            .replace(/<\/?\w+\s*\/?>/g, '');
          expect(rawCodesIn(withoutPlaceholders), `${ns}:${key}`).toEqual([]);
        }
  });

  it('names codes in plain words, in the chosen language, and shows an unknown code readably', async () => {
    await i18next.changeLanguage('en');
    expect(roleName('yard_planner')).toBe('Yard planner');
    expect(gateCheckName('slot.window')).toBe('Inside the slot window');
    expect(eventTypeName('VisitAnnounced')).toBe('Announced by the line');
    expect(readable('some_new.check')).toBe('Some new check');
    expect(eventTypeName('SomethingNew')).toBe('Something new');
    await i18next.changeLanguage('nl');
    expect(roleName('yard_planner')).toBe('Yardplanner');
    expect(gateCheckName('slot.window')).toBe('Binnen het tijdvenster van het slot');
    await i18next.changeLanguage('en');
  });

  it('says the codes left in a server sentence in words', async () => {
    await i18next.changeLanguage('en');
    expect(plainText('Refused: driver.badge, slot.window')).toBe(
      'Refused: driver badge matches, inside the slot window',
    );
    expect(plainText('Box went in_yard')).toBe('Box went in the yard');
    expect(plainText('Nothing to change here.')).toBe('Nothing to change here.');
  });

  it("speaks an error's catalogue sentence, never a server detail that carries a code", async () => {
    await i18next.changeLanguage('en');
    const forbidden = new ApiError(403, 'auth.forbidden', 'your role may not yard.map.read');
    expect(messageOf(forbidden)).toBe('Your role may not do this.');
    // A plain server detail says more in English, and is kept.
    const wrong = new ApiError(
      409,
      'driver.device_code_mismatch',
      'that is not the confirmation code (4 tries left)',
    );
    expect(messageOf(wrong)).toBe('that is not the confirmation code (4 tries left)');
    expect(messageOf(new ApiError(418, 'teapot.unknown', 'teapot.unknown'))).toBe('The server answered 418.');
    await i18next.changeLanguage('nl');
    expect(messageOf(wrong)).toBe('Dat is niet de bevestigingscode van deze gsm.');
    expect(messageOf(new ApiError(429, 'auth.throttled', 'slow down', { retryAfterSeconds: 30 }))).toBe(
      'Te veel pogingen. Wacht even en probeer opnieuw. Probeer opnieuw over 30 seconden.',
    );
    await i18next.changeLanguage('en');
  });

  it('plurals follow the language', async () => {
    await i18next.changeLanguage('nl');
    expect(i18next.t('errors:retryIn', { count: 1 })).toBe('Probeer opnieuw over 1 seconde.');
    expect(i18next.t('errors:retryIn', { count: 30 })).toBe('Probeer opnieuw over 30 seconden.');
    await i18next.changeLanguage('en');
    expect(i18next.t('errors:retryIn', { count: 1 })).toBe('Try again in 1 second.');
  });
});

describe('choosing the language', () => {
  it('takes the stored choice, else the first browser language spoken here, else English', () => {
    expect(chooseLanguage('nl', ['en-US'])).toBe('nl');
    expect(chooseLanguage(null, ['fr-BE', 'nl-BE', 'en'])).toBe('nl');
    expect(chooseLanguage(null, ['NL'])).toBe('nl');
    expect(chooseLanguage(null, ['de-DE', 'fr'])).toBe('en');
    expect(chooseLanguage('klingon', [])).toBe('en');
  });

  it("formats in the browser's own region of the language, else Flanders' or Britain's", () => {
    expect(localeFor('en', ['nl-BE', 'en-US'])).toBe('en-US');
    expect(localeFor('nl', ['nl-NL'])).toBe('nl-NL');
    expect(localeFor('nl', ['en-US'])).toBe('nl-BE');
    expect(localeFor('en', ['de-DE'])).toBe('en-GB');
  });

  it('switches at once without a browser to remember it in', async () => {
    setLanguage('nl');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(i18next.language).toBe('nl');
    setLanguage('en');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(i18next.language).toBe('en');
  });
});

describe('the clock rule', () => {
  const slotStart = '2026-03-03T05:00:00.000Z';
  const slotEnd = '2026-03-03T05:30:00.000Z';

  it("shows a terminal's slot in the terminal's zone, named, whatever zone the viewer is in", async () => {
    await i18next.changeLanguage('en');
    const brussels = terminalClock('Europe/Brussels');
    expect(brussels.zone).toBe('Europe/Brussels');
    expect(brussels.label).toBe('terminal time, Europe/Brussels');
    // 05:00 UTC is 06:00 in Brussels in winter (CET, UTC+1): the gate's clock, not the viewer's.
    expect(brussels.timeRange(slotStart, slotEnd)).toMatch(/^06:00\s?(AM)?–06:30\s?(AM)?$/);
    expect(brussels.dayKey(slotStart)).toBe('2026-03-03');
    // The terminal day is the terminal's: 03:00 UTC is still the evening before in New York.
    expect(terminalClock('America/New_York').dayKey('2026-03-03T03:00:00.000Z')).toBe('2026-03-02');
    expect(terminalClock('Asia/Tokyo').time(slotStart)).toMatch(/^(14:00|02:00\sPM)$/);
  });

  it('says UTC rather than pretend, when the zone is unknown', () => {
    const unknown = terminalClock('Mars/Olympus_Mons');
    expect(unknown.zone).toBe('UTC');
    expect(unknown.known).toBe(false);
    expect(unknown.label).toMatch(/^UTC/);
    expect(terminalClock(null).time(slotStart)).toMatch(/^05:00/);
  });
});
