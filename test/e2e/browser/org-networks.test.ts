/**
 * Issue 15 in Chromium against the real server: an administrator declares an organisation's client networks from
 * the organisations list. The list is edited as rows (add, edit, remove), saved whole after a passkey step-up (the
 * same modal dialog as every admin write), and a 400 from the server is shown beside the input it names, whether the
 * domain check refused it (`input.invalid`, a CIDR with bits past its prefix) or the route's schema
 * (`request.invalid`, a latitude past 90). What is saved is what the detection engine reads back. In Dutch too.
 */
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { organisationNetworks } from '../../../src/app/access/index.js';
import { auditPage } from '../../support/a11y.js';
import { screenshot } from '../../support/browser.js';
import {
  addOrganisations,
  addPeople,
  type ConsoleSuite,
  consoleSuite,
  describeBrowser,
  enrolledPage,
  signedInPage,
} from '../../support/console-session.js';

/** The error text an input is described by (its `aria-describedby`), as assistive technology reads it. */
const descriptionOf = (input: Locator) =>
  input.evaluate((element) =>
    (element.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' '),
  );

const cell = (editor: Locator, column: string, row: number) =>
  editor.getByRole('textbox', { name: `${column}, row ${row}`, exact: true });

async function fillRow(editor: Locator, row: number, values: [string, string, string, string]) {
  const [cidr, place, lat, lon] = values;
  await cell(editor, 'CIDR range', row).fill(cidr);
  await cell(editor, 'Place', row).fill(place);
  await cell(editor, 'Latitude', row).fill(lat);
  await cell(editor, 'Longitude', row).fill(lon);
}

describeBrowser('client networks in the console (issue 15)', () => {
  let tokens: Record<string, string>;
  const suite = consoleSuite({ setup, timeout: 180_000 });

  async function setup({ server }: ConsoleSuite): Promise<void> {
    await addOrganisations(server, [
      { orgId: 'padm', kind: 'port_administration', name: 'Port Administration', code: 'PADM' },
      { orgId: 'msc', kind: 'shipping_line', name: 'Mediterranean Lines', code: 'MSCU' },
      { orgId: 'haul', kind: 'haulier', name: 'Haulage Vlaanderen', code: 'HAULV' },
    ]);
    tokens = await addPeople(server, [['ada.admin', 'padm', 'administrator', 'Ada Admin']]);
  }

  const openEditor = async (page: Page, name: string, heading: string) => {
    await page.goto(`${suite.server.baseUrl}/admin`);
    const button = page.getByRole('button', { name });
    await button.click();
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    const editor = page.getByRole('region', { name: heading });
    await editor.waitFor();
    return editor;
  };

  it('adds, edits and removes networks, saves after a step-up, and shows each 400 beside its field', async () => {
    const { page, context, problems } = await enrolledPage(
      suite.browser,
      suite.server,
      { userId: 'ada.admin', displayName: 'Ada Admin', enrolmentToken: tokens['ada.admin']! },
      { stepUp: false },
    );
    const editor = await openEditor(
      page,
      'Client networks of Mediterranean Lines',
      'Client networks of Mediterranean Lines',
    );
    await editor.getByText('No networks declared yet.').waitFor();
    await editor.getByRole('button', { name: 'Add a network' }).click();
    // The new row's first input has the keyboard.
    expect(await cell(editor, 'CIDR range', 1).evaluate((e) => e === document.activeElement)).toBe(true);
    // The table says what each column is.
    expect(await editor.getByRole('columnheader').allTextContents()).toEqual([
      'CIDR range',
      'Place',
      'Latitude',
      'Longitude',
      'Actions',
    ]);

    await fillRow(editor, 1, ['192.0.2.1/24', 'Antwerp office', '51,2194', '4.4025']);
    await editor.getByRole('button', { name: 'Add a network' }).click();
    await fillRow(editor, 2, ['2001:DB8:1::/48', 'Rotterdam', '51.92', '4.48']);
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT' && request.url().endsWith('/v1/admin/orgs/msc/networks'))
        sent.push(request.postData() ?? '');
    });

    // The write needs a fresh step-up: the dialog opens before anything is sent.
    await editor.getByRole('button', { name: 'Save networks' }).click();
    const dialog = page.getByRole('dialog', { name: "Confirm it's you" });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(
      'To declare the client networks, confirm with your passkey.',
    );
    expect(sent).toEqual([]);
    await dialog.getByRole('button', { name: 'Confirm and continue' }).click();
    await dialog.waitFor({ state: 'detached' });

    // The domain refuses a range with bits past its prefix: said beside that input, nothing written.
    const badCidr = cell(editor, 'CIDR range', 1);
    await expect.poll(() => badCidr.getAttribute('aria-invalid')).toBe('true');
    expect(await descriptionOf(badCidr)).toContain('“192.0.2.1/24” is not a CIDR range');
    await editor.getByText('Not saved: see the marked fields').waitFor();
    expect(await cell(editor, 'CIDR range', 2).getAttribute('aria-invalid')).toBeNull();
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]!)).toEqual({
      networks: [
        { cidr: '192.0.2.1/24', place: 'Antwerp office', lat: 51.2194, lon: 4.4025 },
        { cidr: '2001:DB8:1::/48', place: 'Rotterdam', lat: 51.92, lon: 4.48 },
      ],
    });
    expect((await organisationNetworks(suite.server.auth, 'msc')).networks).toEqual([]);
    await screenshot(page, 'org-networks-refused');
    const findings = await auditPage(page);
    expect(findings, JSON.stringify(findings, null, 2)).toEqual([]);

    // Corrected, it saves (the step-up is still fresh: no dialog), and the server's normalised list comes back.
    await badCidr.fill('192.0.2.0/24');
    await editor.getByRole('button', { name: 'Save networks' }).click();
    await editor.getByText('Client networks of Mediterranean Lines saved: 2 networks').waitFor();
    expect(await dialog.count()).toBe(0);
    expect(await cell(editor, 'CIDR range', 2).inputValue()).toBe('2001:db8:1::/48');
    const saved = await organisationNetworks(suite.server.auth, 'msc');
    expect(saved.networks).toEqual([
      { cidr: '192.0.2.0/24', place: 'Antwerp office', lat: 51.2194, lon: 4.4025 },
      { cidr: '2001:db8:1::/48', place: 'Rotterdam', lat: 51.92, lon: 4.48 },
    ]);
    expect(saved.setBy).toBe('ada.admin');
    await editor.getByText(/^Declared by ada\.admin/).waitFor();

    // The route's schema refuses a latitude past 90: said beside the latitude of that row.
    const lat = cell(editor, 'Latitude', 2);
    await lat.fill('91');
    await editor.getByRole('button', { name: 'Save networks' }).click();
    await expect.poll(() => lat.getAttribute('aria-invalid')).toBe('true');
    expect(await descriptionOf(lat)).toContain('“91” must be <= 90');

    // Removing the row drops the refusal with it; the list saved is the one row left.
    await editor.getByRole('button', { name: 'Remove row 2 (2001:db8:1::/48)' }).click();
    expect(await lat.count()).toBe(0);
    await editor.getByRole('button', { name: 'Save networks' }).click();
    await editor.getByText('Client networks of Mediterranean Lines saved: 1 network').waitFor();
    expect((await organisationNetworks(suite.server.auth, 'msc')).networks).toEqual([
      { cidr: '192.0.2.0/24', place: 'Antwerp office', lat: 51.2194, lon: 4.4025 },
    ]);
    await screenshot(page, 'org-networks-saved');
    // Close gives the keyboard back to the button that opened the editor.
    await editor.getByRole('button', { name: 'Close' }).click();
    await editor.waitFor({ state: 'detached' });
    const opener = page.getByRole('button', { name: 'Client networks of Mediterranean Lines' });
    expect(await opener.getAttribute('aria-expanded')).toBe('false');
    expect(await opener.evaluate((e) => e === document.activeElement)).toBe(true);
    // The two refusals were the only answers of 400 and above.
    expect(problems.unexpected('/v1/admin/orgs/msc/networks')).toEqual([]);
    expect(problems.all.filter((p) => p.kind === 'response')).toHaveLength(2);
    await context.close();
  });

  it('speaks Dutch: the editor, what is missing before sending, and the refusal beside its field', async () => {
    const { page, context, problems } = await signedInPage(suite.browser, suite.server, 'ada.admin');
    await context.addInitScript(() => window.localStorage.setItem('portledger.language', 'nl'));
    const editor = await openEditor(
      page,
      'Klantnetwerken van Haulage Vlaanderen',
      'Klantnetwerken van Haulage Vlaanderen',
    );
    await editor.getByText('Nog geen netwerken opgegeven.').waitFor();
    await editor.getByRole('button', { name: 'Netwerk toevoegen' }).click();
    await editor.getByRole('textbox', { name: 'CIDR-reeks, rij 1' }).fill('198.51.100.7/24');
    await editor.getByRole('textbox', { name: 'Breedtegraad, rij 1' }).fill('noord');
    await editor.getByRole('button', { name: 'Netwerken opslaan' }).click();
    // Caught before sending: a blank place and a latitude that is not a number.
    const place = editor.getByRole('textbox', { name: 'Plaats, rij 1' });
    expect(await descriptionOf(place)).toContain('Vul dit in.');
    expect(await descriptionOf(editor.getByRole('textbox', { name: 'Breedtegraad, rij 1' }))).toContain(
      'Geef een aantal graden',
    );
    await place.fill('Gent');
    await editor.getByRole('textbox', { name: 'Breedtegraad, rij 1' }).fill('51,05');
    await editor.getByRole('textbox', { name: 'Lengtegraad, rij 1' }).fill('3,72');
    await editor.getByRole('button', { name: 'Netwerken opslaan' }).click();
    // The server's refusal, in the catalogue's Dutch beside the field it names.
    const cidr = editor.getByRole('textbox', { name: 'CIDR-reeks, rij 1' });
    await expect.poll(() => cidr.getAttribute('aria-invalid')).toBe('true');
    expect(await descriptionOf(cidr)).toContain('Geen CIDR-reeks');
    await cidr.fill('198.51.100.0/24');
    await editor.getByRole('button', { name: 'Netwerken opslaan' }).click();
    await editor.getByText('Klantnetwerken van Haulage Vlaanderen opgeslagen: 1 netwerk').waitFor();
    expect((await organisationNetworks(suite.server.auth, 'haul')).networks).toEqual([
      { cidr: '198.51.100.0/24', place: 'Gent', lat: 51.05, lon: 3.72 },
    ]);
    // Read back as a Dutch reader writes degrees.
    expect(await editor.getByRole('textbox', { name: 'Breedtegraad, rij 1' }).inputValue()).toBe('51,05');
    await screenshot(page, 'org-networks-nl');
    expect(problems.unexpected('/v1/admin/orgs/haul/networks')).toEqual([]);
    await context.close();
  });
});
