/**
 * Issue 5, the container page's Appointment card in Chromium against the real server: the haulier that booked the
 * pickup sees its slot in terminal time with the gate window, the truck, its own driver by name and the pickup
 * credential's state; a gate clerk sees the same booking with the driver only "Nominated"; a released box nobody
 * booked says "No pickup booked", and so does the note under the green lights. No request is refused on the way.
 * Screens are saved as `visit-appointment-<nn>-<what>.png`.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addVirtualAuthenticator,
  chromiumAvailable,
  collectPageProblems,
  ensureConsoleBuilt,
  launchBrowser,
  type PageProblems,
  screenshot,
} from '../../support/browser.js';
import {
  addJourneyOrganisations,
  addPerson,
  boxInYard,
  callAs,
  containerNumber,
  enrolConfirmAndSignIn,
  orgs,
  type Person,
} from '../../support/journeys.js';
import { principal, releaseToHaulier, slotIdAt } from '../../support/pickup.js';
import { mintSession } from '../../support/sessions.js';
import { type ConsoleServer, startConsoleServer } from './console-server.js';

const BOOKED = containerNumber('MSCU', 730_001);
const UNBOOKED = containerNumber('MSCU', 730_002);
const BADGE = 'ANR-730001';
const DRIVER = 'Jan Peeters';
const PLATE = '1-APT-730';

describe.skipIf(!chromiumAvailable())('the container page’s appointment card (Chromium)', () => {
  let server: ConsoleServer;
  let browser: Browser;
  const people: Record<string, Person> = {};
  const refs: Record<string, string> = {};
  const enrolled = new Set<string>();
  let slotStart: string;
  let plate: string;
  let shots = 0;
  const shot = (page: Page, what: string) =>
    screenshot(page, `visit-appointment-${String(++shots).padStart(2, '0')}-${what}`);

  beforeAll(async () => {
    await ensureConsoleBuilt();
    server = await startConsoleServer();
    browser = await launchBrowser();
    await addJourneyOrganisations(server);
    for (const [userId, displayName, orgId, role] of [
      ['hana.planner', 'Hana Planner', orgs.haulier.orgId, 'haulier_planner'],
      ['gert.clerk', 'Gert Clerk', orgs.nqt.orgId, 'gate_clerk'],
    ] as const)
      people[userId] = await addPerson(server, { userId, displayName, orgId, role });

    const ledger = server.fixture.ledger;
    const line = principal({
      userId: 'line-desk',
      orgId: orgs.line.orgId,
      orgKind: 'shipping_line',
      orgCode: orgs.line.code,
      roles: ['release_desk'],
    });
    const haulier = principal({
      userId: 'hana.planner',
      orgId: orgs.haulier.orgId,
      orgKind: 'haulier',
      orgCode: orgs.haulier.code,
      roles: ['haulier_planner'],
    });
    refs.booked = await boxInYard(server, BOOKED, { block: 'A', bay: 1, row: 1, tier: 1 });
    refs.unbooked = await boxInYard(server, UNBOOKED, { block: 'A', bay: 3, row: 1, tier: 1 });
    await releaseToHaulier(ledger, refs.booked, { line, haulier });
    await releaseToHaulier(ledger, refs.unbooked, { line, haulier });

    const driver = await callAs(server, 'hana.planner', 'POST', '/v1/drivers', {
      name: DRIVER,
      badge: BADGE,
      licence: 'B-7300001',
      phone: '+32 470 73 00 01',
    });
    expect(driver.status, JSON.stringify(driver.body)).toBe(201);
    // Two days ahead at 09:00 UTC: inside the terminal's opening hours, far from any sensitive window.
    const booked = await callAs(server, 'hana.planner', 'POST', `/v1/visits/${refs.booked}/appointment`, {
      slotId: slotIdAt(ledger.clock.now(), 2, 9),
      badge: BADGE,
      truckPlate: PLATE,
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    ({ slotStart, truckPlate: plate } = booked.body.appointment as { slotStart: string; truckPlate: string });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /**
   * A page of `userId` on the container page of `visitRef`: a passkey enrolled (the first time), then a minted
   * passkey session.
   */
  async function onContainerPage(
    userId: string,
    visitRef: string,
  ): Promise<{ page: Page; problems: PageProblems; close: () => Promise<void> }> {
    const person = people[userId]!;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // The enrolment link works once: a person already enrolled gets a fresh session only.
    if (!enrolled.has(userId)) {
      await addVirtualAuthenticator(page);
      await enrolConfirmAndSignIn(page, server, person);
      enrolled.add(userId);
    }
    const session = await mintSession(server.auth, userId);
    await context.clearCookies();
    await context.addCookies([
      { name: 'pl_session', value: session.cookie, url: server.baseUrl, httpOnly: true, sameSite: 'Strict' },
    ]);
    const problems = collectPageProblems(page);
    await page.goto(`${server.baseUrl}/visits/${encodeURIComponent(visitRef)}`);
    await page.getByRole('heading', { level: 2, name: 'Status' }).waitFor({ timeout: 15_000 });
    return { page, problems, close: () => context.close() };
  }

  /** The slot's start as the terminal's clocks (Europe/Brussels) show it, in the browser's own language. */
  async function terminalTime(page: Page, iso: string): Promise<string> {
    const language = await page.evaluate(() => navigator.language);
    return new Intl.DateTimeFormat(language, {
      timeZone: 'Europe/Brussels',
      hour: '2-digit',
      minute: '2-digit',
    }).format(new Date(iso));
  }

  it('the haulier sees its booking: slot in terminal time, gate window, truck, its driver by name, credential active', async () => {
    const { page, problems, close } = await onContainerPage('hana.planner', refs.booked!);
    const card = page.getByRole('region', { name: 'Appointment' });
    await card.getByTestId('appointment-slot').waitFor({ timeout: 15_000 });
    const slot = await card.getByTestId('appointment-slot').textContent();
    expect(slot).toContain(await terminalTime(page, slotStart));
    expect(slot).toContain('terminal time, Europe/Brussels');
    expect(await card.textContent()).toContain('grace 30 min before, 30 min after');
    expect(await card.textContent()).toContain(plate);
    expect(await card.getByTestId('appointment-driver').textContent()).toBe(DRIVER);
    expect(await card.getByTestId('appointment-credential').textContent()).toMatch(/^Active: valid once/);
    // The credential by id only: its token was handed over once, at booking.
    expect(await page.content()).not.toContain('plc1.');

    await page.getByText('All lights green', { exact: true }).waitFor();
    expect(await page.getByTestId('pickup-note').textContent()).toContain('A pickup is booked for');
    await shot(page, 'haulier');
    expect(problems.unexpected()).toEqual([]);
    await close();
  }, 90_000);

  it('a gate clerk sees the same booking, the driver only as nominated', async () => {
    const { page, problems, close } = await onContainerPage('gert.clerk', refs.booked!);
    const card = page.getByRole('region', { name: 'Appointment' });
    await card.getByTestId('appointment-slot').waitFor({ timeout: 15_000 });
    expect(await card.getByTestId('appointment-slot').textContent()).toContain(
      await terminalTime(page, slotStart),
    );
    expect(await card.getByTestId('appointment-driver').textContent()).toBe('Nominated');
    expect(await card.getByTestId('appointment-credential').textContent()).toMatch(/^Active: valid once/);
    expect(await page.content()).not.toContain(DRIVER);
    await shot(page, 'gate-clerk');
    expect(problems.unexpected()).toEqual([]);
    await close();
  }, 90_000);

  it('a released box nobody booked says "No pickup booked", in the card and under the green lights', async () => {
    const { page, problems, close } = await onContainerPage('gert.clerk', refs.unbooked!);
    const card = page.getByRole('region', { name: 'Appointment' });
    await card.getByText('No pickup booked', { exact: true }).waitFor({ timeout: 15_000 });
    await page.getByText('All lights green', { exact: true }).waitFor();
    expect(await page.getByTestId('pickup-note').textContent()).toContain('No pickup slot is booked yet');
    await shot(page, 'no-booking');
    expect(problems.unexpected()).toEqual([]);
    await close();
  }, 90_000);
});
