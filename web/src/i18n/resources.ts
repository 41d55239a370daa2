/**
 * The console's texts, one JSON file per namespace and language, bundled (no HTTP backend): a page's words are
 * there with its code. Each capability folder of web/src has its own namespace, so a folder is translated by
 * touching only its own files; `common` holds the frame and shared widgets, `terms` the plain words for the
 * codes the server speaks in (roles, statuses, event types, gate checks…), `errors` a sentence per error code.
 */
import enAccess from './locales/en/access.json' with { type: 'json' };
import enAlerts from './locales/en/alerts.json' with { type: 'json' };
import enAppointments from './locales/en/appointments.json' with { type: 'json' };
import enApprovals from './locales/en/approvals.json' with { type: 'json' };
import enAudit from './locales/en/audit.json' with { type: 'json' };
import enCommon from './locales/en/common.json' with { type: 'json' };
import enDrivers from './locales/en/drivers.json' with { type: 'json' };
import enErrors from './locales/en/errors.json' with { type: 'json' };
import enGate from './locales/en/gate.json' with { type: 'json' };
import enIntegrations from './locales/en/integrations.json' with { type: 'json' };
import enPages from './locales/en/pages.json' with { type: 'json' };
import enReleases from './locales/en/releases.json' with { type: 'json' };
import enSearch from './locales/en/search.json' with { type: 'json' };
import enTerms from './locales/en/terms.json' with { type: 'json' };
import enVisits from './locales/en/visits.json' with { type: 'json' };
import enYard from './locales/en/yard.json' with { type: 'json' };
import nlAccess from './locales/nl/access.json' with { type: 'json' };
import nlAlerts from './locales/nl/alerts.json' with { type: 'json' };
import nlAppointments from './locales/nl/appointments.json' with { type: 'json' };
import nlApprovals from './locales/nl/approvals.json' with { type: 'json' };
import nlAudit from './locales/nl/audit.json' with { type: 'json' };
import nlCommon from './locales/nl/common.json' with { type: 'json' };
import nlDrivers from './locales/nl/drivers.json' with { type: 'json' };
import nlErrors from './locales/nl/errors.json' with { type: 'json' };
import nlGate from './locales/nl/gate.json' with { type: 'json' };
import nlIntegrations from './locales/nl/integrations.json' with { type: 'json' };
import nlPages from './locales/nl/pages.json' with { type: 'json' };
import nlReleases from './locales/nl/releases.json' with { type: 'json' };
import nlSearch from './locales/nl/search.json' with { type: 'json' };
import nlTerms from './locales/nl/terms.json' with { type: 'json' };
import nlVisits from './locales/nl/visits.json' with { type: 'json' };
import nlYard from './locales/nl/yard.json' with { type: 'json' };

/** English is the reference: its keys type every `t()` call (see i18next.d.ts); Dutch must have the same. */
export const en = {
  common: enCommon,
  terms: enTerms,
  errors: enErrors,
  pages: enPages,
  visits: enVisits,
  yard: enYard,
  releases: enReleases,
  appointments: enAppointments,
  drivers: enDrivers,
  gate: enGate,
  access: enAccess,
  approvals: enApprovals,
  alerts: enAlerts,
  audit: enAudit,
  search: enSearch,
  integrations: enIntegrations,
} as const;

export const nl: { readonly [N in keyof typeof en]: unknown } = {
  common: nlCommon,
  terms: nlTerms,
  errors: nlErrors,
  pages: nlPages,
  visits: nlVisits,
  yard: nlYard,
  releases: nlReleases,
  appointments: nlAppointments,
  drivers: nlDrivers,
  gate: nlGate,
  access: nlAccess,
  approvals: nlApprovals,
  alerts: nlAlerts,
  audit: nlAudit,
  search: nlSearch,
  integrations: nlIntegrations,
};

export type Namespace = keyof typeof en;
export const namespaces = Object.keys(en) as Namespace[];
