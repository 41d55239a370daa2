/**
 * THE policy table: the one place that says which role may run which command and read which view (issue 3).
 * Routes name a permission from here; the HTTP layer checks it; the role × route matrix test is derived from it;
 * `passkeyRequired` is derived from it. Nothing else in the code base grants anything.
 *
 * A permission is *sensitive* when it moves a box, lets a box go, changes pickup details, hands over a release
 * right, approves, or administers (MISSION §1); every row says why it is or is not (`sensitiveWhy`). A sensitive
 * permission is never used from a session opened with a keylogged password or a phished one-time code (ATT&CK
 * T1566, T1056.001, T1078): either its roles must sign in with a passkey at all (`passkeyRequired`), or the
 * permission itself is marked `passkeySession`, so that a role that also does harmless work with a password +
 * TOTP (customs officers and investigators: statuses, placing holds) keeps signing in that way and must open a
 * passkey session for the sensitive part (lifting a hold, approving its lift; issue 10, row B).
 *
 * The table grants per role; *which* containers a permitted user may see or touch is need-to-know, decided per
 * visit in `visibility.ts`.
 */
import type { HoldKind } from '../visits/index.js';
import type { OrgKind } from './organisations.js';
import { mayHoldRole, type Role, roleOrgKinds, roles } from './roles.js';

/** A command changes something; a view only reads. */
export type PermissionKind = 'command' | 'view';

/** One row of the policy table. */
export type PermissionRule = {
  readonly kind: PermissionKind;
  /** Moves a box, lets a box go, changes pickup details, hands over a release right, approves or administers. */
  readonly sensitive: boolean;
  /**
   * Why the permission is or is not sensitive, in one line: what the worst use of a stolen password with it
   * would be. Required on every row, so that nobody adds a permission without deciding (issue 10).
   */
  readonly sensitiveWhy: string;
  /** The roles granted this permission. */
  readonly roles: readonly Role[];
  /** When present, only holders whose organisation is of one of these kinds (a line's release desk, not a forwarder's). */
  readonly orgKinds?: readonly OrgKind[];
  /** The same, for one role of the row only. */
  readonly orgKindsByRole?: { readonly [R in Role]?: readonly OrgKind[] };
  /**
   * Only in a session opened with a passkey. Yard positions are what the Antwerp gang looked up with keylogged
   * logins (MISSION §1): customs officers and investigators may sign in with a password + TOTP, but such a
   * session sees statuses, never where a box stands, until its holder signs in with a passkey.
   */
  readonly passkeySession?: true;
  /** Why, in one line, for reviewers and for the generated matrix. */
  readonly why: string;
};

/** How a person's session was opened; `undefined` for machine clients, which hold listed permissions instead. */
export type SignInMethod = 'passkey' | 'password_totp';

/** The kinds of change that need a second person (issue 3, two-person approval). */
export const approvalKinds = [
  'yard.correction',
  'pickup.change',
  'visit.void',
  'role.grant',
  'passkeys.reset',
  'visit.unfreeze',
  'hold.lift',
] as const;

/** A kind of two-person change. */
export type ApprovalKind = (typeof approvalKinds)[number];

/** How a kind of two-person change is requested and who may approve it. */
export type ApprovalRule = {
  /** The permission the requester needs. */
  readonly requestPermission: Permission;
  /** Roles that may approve. The approver must also be another person in the right organisation (`approval.ts`). */
  readonly approverRoles: readonly Role[];
  /**
   * Terminal data is approved by the staff of the terminal operator running that terminal: `always` for yard
   * corrections and unfreezes, `if_terminal_named` for voids (a void of a discharge, move or gate event is
   * terminal data; a void of the line's own announcement is not).
   */
  readonly terminalData: 'always' | 'if_terminal_named' | 'never';
};

const TERMINAL_STAFF = ['gate_clerk', 'yard_planner', 'equipment_operator', 'terminal_supervisor'] as const;
const FULL_SIGHT = [...TERMINAL_STAFF, 'customs_officer', 'investigator'] as const;

/**
 * Who approves what. The approvers are a subset of the roles that can make the change, so that the second
 * person understands it; a yard correction needs no supervisor at 3 a.m., only a second planner.
 */
export const approvalPolicy: { readonly [K in ApprovalKind]: ApprovalRule } = {
  'yard.correction': {
    requestPermission: 'visit.correct_position',
    approverRoles: ['terminal_supervisor', 'yard_planner'],
    terminalData: 'always',
  },
  'pickup.change': {
    requestPermission: 'appointment.change',
    approverRoles: ['haulier_planner'],
    terminalData: 'never',
  },
  'visit.void': {
    requestPermission: 'visit.void.request',
    approverRoles: ['terminal_supervisor', 'release_desk'],
    terminalData: 'if_terminal_named',
  },
  'role.grant': {
    requestPermission: 'role.grant.request',
    approverRoles: ['administrator'],
    terminalData: 'never',
  },
  'passkeys.reset': {
    requestPermission: 'passkeys.reset.request',
    approverRoles: ['administrator'],
    terminalData: 'never',
  },
  'visit.unfreeze': {
    requestPermission: 'visit.unfreeze.request',
    approverRoles: ['terminal_supervisor'],
    terminalData: 'always',
  },
  // Another officer's customs or police hold (issue 10, row B): a second officer of the same authority, who must
  // also be able to lift that kind of hold (`approval.ts`), so one keylogged officer cannot let a box go alone.
  'hold.lift': {
    requestPermission: 'visit.hold.lift',
    approverRoles: ['customs_officer', 'investigator'],
    terminalData: 'never',
  },
};

/** Who places and lifts each kind of hold: each authority only its own (MISSION §3, Holds). */
export const holdPolicy: {
  readonly [K in HoldKind]: { roles: readonly Role[]; orgKinds?: readonly OrgKind[] };
} = {
  customs: { roles: ['customs_officer'] },
  police: { roles: ['investigator'], orgKinds: ['port_police'] },
  terminal: { roles: ['terminal_supervisor', 'yard_planner'] },
  line: { roles: ['release_desk'], orgKinds: ['shipping_line'] },
};

const union = (lists: readonly (readonly Role[])[]): Role[] =>
  roles.filter((r) => lists.some((l) => l.includes(r)));
const HOLDERS = union(Object.values(holdPolicy).map((rule) => rule.roles));
// Per role, the organisation kinds in which it holds some kind of hold (a forwarder's release desk holds none).
const HOLDER_ORG_KINDS: { [R in Role]?: readonly OrgKind[] } = Object.fromEntries(
  HOLDERS.map((role) => {
    const kinds = Object.values(holdPolicy).filter((rule) => rule.roles.includes(role));
    const scoped = kinds.every((rule) => rule.orgKinds !== undefined);
    return [role, scoped ? kinds.flatMap((rule) => rule.orgKinds ?? []) : roleOrgKinds[role]];
  }),
);
const APPROVERS = union(Object.values(approvalPolicy).map((rule) => rule.approverRoles));

/**
 * The policy table. Every permission is declared once; the hold and approval rows take their roles from
 * {@link holdPolicy} and {@link approvalPolicy}, so those cannot drift from it.
 */
export const policy = {
  'visit.announce': {
    kind: 'command',
    sensitive: false,
    sensitiveWhy:
      'not sensitive: a pre-advice only announces a box that is still to come; it moves nothing and lets nothing go',
    roles: ['release_desk'],
    orgKinds: ['shipping_line'],
    why: 'the line pre-advises its own boxes (COPARN); nothing moves',
  },
  'visit.discharge': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy:
      'sensitive: it puts a box into a yard slot, so a stolen login could place a box where a gang waits for it',
    roles: ['equipment_operator', 'yard_planner', 'terminal_supervisor'],
    why: 'puts a box into a yard slot (COARRI, DISC)',
  },
  'visit.gate_in': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy:
      'sensitive: it puts a box into a yard slot, so a stolen login could place a box where a gang waits for it',
    roles: ['gate_clerk', 'terminal_supervisor'],
    why: 'puts a box into a yard slot at the gate (CODECO, GTIN)',
  },
  'visit.move': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy:
      'sensitive: it changes where a box stands, which is what the Antwerp gang did with stolen logins (T1565.001)',
    roles: ['equipment_operator'],
    why: 'location changes come only from physical moves by yard equipment roles (MISSION §1)',
  },
  'visit.correct_position': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy: "sensitive: it asks for a box's recorded position to change without a move (T1565.001)",
    roles: ['yard_planner', 'terminal_supervisor'],
    why: 'requests a yard.correction: a position change without a recorded move, applied only when approved',
  },
  'visit.load': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy: 'sensitive: the box leaves the yard onto a vessel',
    roles: ['equipment_operator', 'terminal_supervisor'],
    why: 'a box leaves the yard onto a vessel (COARRI, LOAD)',
  },
  'visit.gate_out': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy: 'sensitive: the box leaves the port on a truck',
    roles: ['gate_clerk', 'terminal_supervisor'],
    why: 'a box leaves the port on a truck (CODECO, GTOT)',
  },
  'visit.hold.place': {
    kind: 'command',
    sensitive: false,
    sensitiveWhy:
      'not sensitive: a hold only stops a box, so a stolen password can do no more with it than delay cargo; customs and police place holds from a password + TOTP session',
    roles: HOLDERS,
    orgKindsByRole: HOLDER_ORG_KINDS,
    why: 'a hold only stops a box; each authority places its own kind (holdPolicy)',
  },
  'visit.hold.lift': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy:
      "sensitive: lifting a hold can turn the last red light green and let a box go, so it needs a passkey session and a step-up, and another officer's hold a second officer (row B)",
    roles: HOLDERS,
    orgKindsByRole: HOLDER_ORG_KINDS,
    passkeySession: true,
    why: "each authority lifts only its own kind of hold (holdPolicy); another officer's customs or police hold only with a second officer (hold.lift)",
  },
  'visit.scan.select': {
    kind: 'command',
    sensitive: false,
    sensitiveWhy: 'not sensitive: selecting a box for scan only stops it',
    roles: ['customs_officer'],
    why: 'customs selects a box for scanning (MISSION §2)',
  },
  'visit.void.request': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy: 'sensitive: it asks to void an event, which can put a box elsewhere or undo a hold',
    roles: ['terminal_supervisor', 'yard_planner', 'release_desk'],
    orgKinds: ['terminal_operator', 'shipping_line'],
    why: 'requests a visit.void: correcting the record can put a box elsewhere, so it is applied only when approved',
  },
  'visit.freeze': {
    kind: 'command',
    sensitive: false,
    sensitiveWhy: 'not sensitive: a freeze only stops a box; lifting it takes two (visit.unfreeze.request)',
    roles: ['terminal_supervisor', 'customs_officer', 'investigator'],
    orgKindsByRole: { investigator: ['port_police'] },
    // The freeze is taken from the alert or container page, which a password session does not see (alert.read,
    // positions): such a session was answered 404 visit.not_found on a box it could see. Now it is told why.
    passkeySession: true,
    why: 'stops a suspect box at once on one word, like a hold; lifting it takes two (visit.unfreeze)',
  },
  'visit.unfreeze.request': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy: 'sensitive: it asks for a frozen box to be let go again',
    roles: ['terminal_supervisor'],
    why: 'requests a visit.unfreeze: a frozen box may leave again once approved',
  },
  'subscription.manage': {
    kind: 'command',
    sensitive: false,
    sensitiveWhy:
      'not sensitive: the callbacks carry only the events the organisation may already read (need-to-know, no yard position), to a URL the SSRF guard passes',
    // Who runs a party's integrations: a terminal's supervisor, a line's or forwarder's release desk, a haulier's
    // planner. Customs and police read `/v2/events` and only read, hold and freeze (the policy's rule for them).
    roles: ['terminal_supervisor', 'release_desk', 'haulier_planner'],
    why: 'creates, changes, deletes and re-keys its organisation’s event subscriptions (DCSA T&T 2.2 and thin webhooks) and reads their deliveries and dead letters (issue 16)',
  },
  'visit.read': {
    kind: 'view',
    sensitive: false,
    sensitiveWhy: 'not sensitive: a view; statuses only, scoped per visit by need-to-know',
    roles: [...FULL_SIGHT, 'release_desk', 'haulier_planner'],
    why: 'status of a visit, scoped per visit by need-to-know (visibility.ts)',
  },
  'visit.search': {
    kind: 'view',
    sensitive: false,
    sensitiveWhy:
      'not sensitive: a view that finds only boxes the caller may already read, each as a read of it shows it',
    roles: [...FULL_SIGHT, 'release_desk', 'haulier_planner'],
    why: 'one search box finds a box by number, bill of lading, booking, vessel call or truck plate (issue 14), scoped per visit like visit.read',
  },
  'visit.position.read': {
    kind: 'view',
    sensitive: false,
    sensitiveWhy:
      'not sensitive, as it changes nothing; positions are what the gang looked up, so it needs a passkey session instead',
    roles: FULL_SIGHT,
    passkeySession: true,
    why: "yard positions: the terminal's own staff, customs and police only (MISSION §2)",
  },
  'visit.history.read': {
    kind: 'view',
    sensitive: false,
    sensitiveWhy:
      'not sensitive, as it changes nothing; the history carries positions, so it needs a passkey session instead',
    roles: FULL_SIGHT,
    passkeySession: true,
    why: 'the event history carries every slot the box stood in',
  },
  'yard.map.read': {
    kind: 'view',
    sensitive: false,
    sensitiveWhy:
      'not sensitive, as it changes nothing; the map is positions, so it needs a passkey session instead',
    roles: FULL_SIGHT,
    passkeySession: true,
    why: 'the yard map is positions of every box at a terminal',
  },
  'yard.survey': {
    kind: 'command',
    sensitive: false,
    sensitiveWhy:
      'not sensitive: a survey moves no box and changes no position, it only raises alerts; its report names slots, so it needs a passkey session',
    roles: ['yard_planner', 'equipment_operator', 'terminal_supervisor'],
    passkeySession: true,
    why: "imports a yard survey (OCR gantry, a clerk's walk) of the caller's own terminal and raises an alert per discrepancy (issue 15)",
  },
  'edi.import': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy:
      'sensitive: one interchange announces, loads or releases many boxes at once, each as the console command would',
    roles: ['release_desk', 'terminal_supervisor', 'yard_planner', 'haulier_planner'],
    why: "applies a UN/EDIFACT interchange for the caller's organisation, each message within that organisation's own rights (issue 17)",
  },
  'edi.read': {
    kind: 'view',
    sensitive: false,
    sensitiveWhy: 'not sensitive: which interchanges were received and their outcome, no yard position',
    roles: [
      'release_desk',
      'terminal_supervisor',
      'yard_planner',
      'haulier_planner',
      'customs_officer',
      'investigator',
    ],
    why: 'lists the interchanges received: its own organisation’s, or every one for customs and the police (issue 17)',
  },
  'release.issue': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy: 'sensitive: it hands the right to collect a box to a party (and re-dates it)',
    roles: ['release_desk'],
    orgKinds: ['shipping_line'],
    why: 'hands the right to collect to a first party (MISSION §3)',
  },
  'release.transfer': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy: 'sensitive: it hands the right to collect a box on to another party',
    roles: ['release_desk'],
    why: 'hands a held right on to the next party',
  },
  'release.accept': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy: 'sensitive: whoever accepts holds the right to collect the box from then on',
    roles: ['release_desk', 'haulier_planner'],
    orgKinds: ['forwarder', 'haulier'],
    why: 'takes over a right to collect',
  },
  'release.deny': {
    kind: 'command',
    sensitive: false,
    sensitiveWhy: 'not sensitive: refusing an offer hands nothing over and lets nothing go',
    roles: ['release_desk', 'haulier_planner'],
    orgKinds: ['forwarder', 'haulier'],
    why: 'refuses an offered right; nothing is handed over',
  },
  'release.revoke': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy:
      'sensitive: it takes a right back and cuts off everyone downstream, rerouting who may collect',
    roles: ['release_desk'],
    why: 'takes back a right the next party has not yet accepted, or (the line) at any time',
  },
  'release.block': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy: 'sensitive: the same permission unblocks, which turns the commercial light green again',
    roles: ['release_desk'],
    orgKinds: ['shipping_line'],
    why: 'the line stops every pickup of its box',
  },
  'party.directory.read': {
    kind: 'view',
    sensitive: false,
    sensitiveWhy: 'not sensitive: a view of organisation names and codes',
    roles: ['release_desk', 'haulier_planner'],
    why: 'names of the forwarders, hauliers and lines a release right can be offered to; no people, no terminals',
  },
  'terminal.read': {
    kind: 'view',
    sensitive: false,
    sensitiveWhy:
      "not sensitive: a view of each terminal's code, name and time zone, which every gate sign shows",
    // Everyone whose screens show a slot, a gate window or a terminal's events; administrators schedule nothing.
    roles: roles.filter((role) => role !== 'administrator'),
    why: "the terminals and the zone of their clocks, so that every screen shows a terminal's times as its gate does",
  },
  'release.read': {
    kind: 'view',
    sensitive: false,
    sensitiveWhy: 'not sensitive: a view of the release chain, scoped per visit',
    roles: [
      'release_desk',
      'haulier_planner',
      'gate_clerk',
      'terminal_supervisor',
      'customs_officer',
      'investigator',
    ],
    why: 'the release chain of a visit, scoped per visit like visit.read',
  },
  'driver.nominate': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy: 'sensitive: it names (and registers) the driver and truck the gate lets a box go with',
    roles: ['haulier_planner'],
    why: 'names the one driver and truck that may collect (MISSION §3)',
  },
  'appointment.book': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy: 'sensitive: it sets the slot and the driver the gate lets a box go with',
    roles: ['haulier_planner'],
    why: 'sets the pickup slot',
  },
  'appointment.change': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy: 'sensitive: an earlier slot or another driver is how the gang collected first (T1565.001)',
    roles: ['haulier_planner'],
    why: 'changes the pickup slot or driver; near pickup it becomes a pickup.change approval',
  },
  'appointment.read': {
    kind: 'view',
    sensitive: false,
    sensitiveWhy:
      "not sensitive, as it changes nothing; a box's pickup time and truck are what the gang needed to collect first, so it needs a passkey session instead (issue 14's outside attacker read them with a keylogged customs password)",
    roles: [...FULL_SIGHT, 'release_desk', 'haulier_planner'],
    passkeySession: true,
    why: "a visit's pickup slot, truck and credential state, scoped per visit like visit.read; no yard position",
  },
  'driver.jobs.read': {
    kind: 'view',
    sensitive: false,
    sensitiveWhy: "not sensitive: a view of a driver's own jobs",
    roles: ['driver'],
    why: 'a driver sees only his own jobs (MISSION §2)',
  },
  'driver.device.enrol': {
    kind: 'command',
    sensitive: false,
    sensitiveWhy:
      "not sensitive: an enrolled phone signs nothing the gate accepts until a planner of the driver's haulier confirms it, so a keylogged driver password gains nothing",
    roles: ['driver'],
    why: 'a driver registers the public key of the phone that signs his rotating pickup passes (issue 10, row C)',
  },
  'driver.device.confirm': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy:
      "sensitive: a confirmed phone's key is what lets a box out at the gate, so whoever confirms one decides who can collect",
    roles: ['haulier_planner'],
    why: "a haulier planner confirms or rejects the phones of his own haulier's drivers, comparing the fingerprint",
  },
  'approval.read': {
    kind: 'view',
    sensitive: false,
    sensitiveWhy:
      'not sensitive: a view of the requests one may decide or withdraw; a password session decides nothing, so it does not see them either',
    roles: union([APPROVERS, ['yard_planner', 'terminal_supervisor', 'release_desk', 'haulier_planner']]),
    orgKindsByRole: { release_desk: ['shipping_line'], investigator: ['port_police'] },
    // Customs officers and investigators approve hold lifts only from a passkey session (issue 10, row B).
    passkeySession: true,
    why: 'requesters and approvers see the requests of their organisation or terminal',
  },
  'approval.decide': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy:
      "sensitive: the second person's yes applies the change (a void, an unfreeze, a hold lift, a new driver); it needs a passkey session, since customs officers and investigators approve hold lifts",
    roles: APPROVERS,
    // A release desk approves only a line's voids; forwarders request nothing that needs a second person.
    orgKindsByRole: { release_desk: ['shipping_line'], investigator: ['port_police'] },
    passkeySession: true,
    why: 'approves or rejects a two-person change (approvalPolicy names who, per kind)',
  },
  'alert.read': {
    kind: 'view',
    sensitive: false,
    sensitiveWhy: 'not sensitive: a view of refused gate attempts, missing boxes and bulk look-ups',
    roles: ['terminal_supervisor', 'yard_planner', 'customs_officer', 'investigator', 'haulier_planner'],
    // A keylogged password + TOTP session would tell the gang which of its attempts were detected.
    passkeySession: true,
    why: "refused gate attempts, missing boxes and bulk look-ups (which of the gang's attempts were seen, so a passkey session only); a haulier planner sees only his own organisation's people (a driver's phone enrolled again)",
  },
  'alert.manage': {
    kind: 'command',
    sensitive: false,
    sensitiveWhy:
      'not sensitive: acknowledging or closing an alert changes no cargo record and lets nothing go',
    roles: ['terminal_supervisor'],
    why: 'acknowledges and closes alerts; it changes no cargo record',
  },
  'audit.read': {
    kind: 'view',
    sensitive: false,
    sensitiveWhy: 'not sensitive: hashes and proofs, no cargo data',
    roles: ['terminal_supervisor', 'release_desk', 'customs_officer', 'investigator', 'administrator'],
    why: 'checkpoints and inclusion/consistency proofs: hashes, no cargo data',
  },
  'audit.entries.read': {
    kind: 'view',
    sensitive: false,
    sensitiveWhy:
      'not sensitive, as it changes nothing; the entries carry positions, so it needs a passkey session instead',
    roles: ['customs_officer', 'investigator'],
    passkeySession: true,
    why: 'the logged events themselves, across every terminal and line',
  },
  'visit.viewers.read': {
    kind: 'view',
    sensitive: false,
    sensitiveWhy:
      'not sensitive, as it changes nothing; it tells who is watching a box (a tip-off to a gang inside), so it needs a passkey session, and views by customs and police are shown to customs and police only',
    roles: FULL_SIGHT,
    passkeySession: true,
    why: "who was shown a box's yard position in the last days (issue 15): its terminal's staff, customs and police, each as far as they see the box",
  },
  'audit.views.read': {
    kind: 'view',
    sensitive: false,
    sensitiveWhy:
      'not sensitive, as it changes nothing; it names boxes with their viewers across every terminal, so it needs a passkey session',
    roles: ['customs_officer', 'investigator'],
    passkeySession: true,
    why: 'which boxes one person was shown the positions of (issue 15), for an investigation',
  },
  'checkpoint.witness': {
    kind: 'command',
    sensitive: false,
    sensitiveWhy: 'not sensitive: cosigning a checkpoint changes no record',
    roles: ['customs_officer', 'investigator', 'release_desk'],
    orgKinds: ['customs', 'port_police', 'shipping_line'],
    why: 'cosigns a checkpoint after checking consistency (MISSION §4); it changes nothing',
  },
  'account.passkeys.manage': {
    kind: 'command',
    sensitive: false,
    sensitiveWhy:
      'not sensitive as a permission, since everyone holds it; adding or removing a passkey needs a step-up',
    roles: [...roles],
    why: 'everyone lists, adds and revokes their own passkeys (behind a step-up)',
  },
  'org.manage': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy: 'sensitive: administration; a new organisation can be handed release rights',
    roles: ['administrator'],
    why: 'creates and edits organisations',
  },
  'user.manage': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy:
      'sensitive: administration; users, enrolment links and unlocks open the door to every other permission',
    roles: ['administrator'],
    why: 'creates users, issues enrolment links, revokes roles, unlocks accounts',
  },
  'role.grant.request': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy: 'sensitive: administration; a role grants permissions',
    roles: ['administrator'],
    why: 'requests a role.grant, applied only when a second administrator approves',
  },
  'passkeys.reset.request': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy: 'sensitive: administration; a reset lets someone enrol a new passkey for another person',
    roles: ['administrator'],
    why: 'requests a passkeys.reset, applied only when a second administrator approves',
  },
  'token.manage': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy: 'sensitive: administration; a token acts for an organisation without a person',
    roles: ['administrator'],
    why: 'creates and revokes API tokens of machine clients',
  },
  'enrolment.confirm': {
    kind: 'command',
    sensitive: true,
    sensitiveWhy:
      'sensitive: confirming a passkey lets whoever registered it sign in as that person, so a stolen link would be a whole account',
    roles: ['terminal_supervisor', 'administrator'],
    why: 'a passkey registered through an enrolment link signs in only once a second person who knows its holder confirms it (issue 10, row D)',
  },
} as const satisfies Record<string, PermissionRule>;

/** A permission name from the policy table. */
export type Permission = keyof typeof policy;

/** Every permission, in table order. */
export const permissions = Object.keys(policy) as Permission[];

const rule = (permission: Permission): PermissionRule => policy[permission];

/**
 * Whether `value` names a permission (for API token scopes from untrusted input).
 *
 * @example
 * ```ts
 * isPermission('visit.read'); // true
 * ```
 */
export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && Object.hasOwn(policy, value);
}

/**
 * Whether `role` is granted `permission`. When `orgKind` is given, also whether that kind of organisation may
 * use it through this role (a forwarder's release desk may not issue releases).
 *
 * @example
 * ```ts
 * mayRoleDo('equipment_operator', 'visit.move'); // true
 * mayRoleDo('release_desk', 'release.issue', 'forwarder'); // false
 * ```
 */
export function mayRoleDo(role: Role, permission: Permission, orgKind?: OrgKind): boolean {
  const { roles: granted, orgKinds, orgKindsByRole } = rule(permission);
  if (!granted.includes(role)) return false;
  if (orgKind === undefined) return true;
  const forRole = orgKindsByRole?.[role];
  return (
    mayHoldRole(orgKind, role) &&
    (orgKinds === undefined || orgKinds.includes(orgKind)) &&
    (forRole === undefined || forRole.includes(orgKind))
  );
}

/**
 * Whether a user with these roles in an organisation of this kind, signed in this way, may use `permission`.
 * A permission marked `passkeySession` is refused to a session opened with a password + TOTP.
 *
 * @example
 * ```ts
 * mayDo({ orgKind: 'haulier', roles: ['driver'] }, 'driver.jobs.read'); // true
 * mayDo({ orgKind: 'port_police', roles: ['investigator'], signedInWith: 'password_totp' }, 'yard.map.read'); // false
 * ```
 */
export function mayDo(
  principal: { orgKind: OrgKind; roles: readonly Role[]; signedInWith?: SignInMethod },
  permission: Permission,
): boolean {
  if (needsPasskeySession(permission) && principal.signedInWith === 'password_totp') return false;
  return principal.roles.some((role) => mayRoleDo(role, permission, principal.orgKind));
}

/**
 * Whether `permission` is refused to a session opened with a password + TOTP.
 *
 * @example
 * ```ts
 * needsPasskeySession('visit.position.read'); // true
 * ```
 */
export function needsPasskeySession(permission: Permission): boolean {
  return rule(permission).passkeySession === true;
}

/**
 * The permissions of `role`, in table order; with `orgKind`, those that kind of organisation may use.
 *
 * @example
 * ```ts
 * permissionsOf('driver'); // ['driver.jobs.read', 'account.passkeys.manage']
 * ```
 */
export function permissionsOf(role: Role, orgKind?: OrgKind): Permission[] {
  return permissions.filter((permission) => mayRoleDo(role, permission, orgKind));
}

/**
 * Whether `permission` is sensitive.
 *
 * @example
 * ```ts
 * isSensitive('visit.move'); // true
 * ```
 */
export function isSensitive(permission: Permission): boolean {
  return rule(permission).sensitive;
}

/**
 * Whether a user holding `role` must log in with a passkey: true iff the role holds a sensitive permission that a
 * password + TOTP session could use. For such a user, password + TOTP is refused, because both can be keylogged
 * or phished (MISSION §1). A sensitive permission marked `passkeySession` (lifting a hold, approving) is refused
 * to password sessions by {@link mayDo} instead, so it does not take the password sign-in away from a role that
 * needs it for statuses and placing holds (customs officers, investigators).
 *
 * @example
 * ```ts
 * passkeyRequired('yard_planner'); // true
 * passkeyRequired('customs_officer'); // false: its sensitive permissions need a passkey session
 * ```
 */
export function passkeyRequired(role: Role): boolean {
  return permissionsOf(role).some(
    (permission) => isSensitive(permission) && !needsPasskeySession(permission),
  );
}

/**
 * Whether a user holding all of `held` must log in with a passkey.
 *
 * @example
 * ```ts
 * passkeyRequiredForAny(['investigator']); // false
 * ```
 */
export function passkeyRequiredForAny(held: readonly Role[]): boolean {
  return held.some(passkeyRequired);
}

/**
 * The roles that may approve a two-person change of `kind`.
 *
 * @example
 * ```ts
 * approverRolesFor('role.grant'); // ['administrator']
 * ```
 */
export function approverRolesFor(kind: ApprovalKind): Role[] {
  return [...approvalPolicy[kind].approverRoles];
}

/**
 * Whether a holder of `role` (in an organisation of `orgKind`, when given) may place a hold of `holdKind`.
 *
 * @example
 * ```ts
 * mayPlaceHold('customs_officer', 'customs'); // true
 * mayPlaceHold('customs_officer', 'police'); // false
 * ```
 */
export function mayPlaceHold(role: Role, holdKind: HoldKind, orgKind?: OrgKind): boolean {
  const { roles: allowed, orgKinds } = holdPolicy[holdKind];
  if (!allowed.includes(role)) return false;
  if (orgKind === undefined) return true;
  return mayHoldRole(orgKind, role) && (orgKinds === undefined || orgKinds.includes(orgKind));
}

/**
 * Whether a holder of `role` may lift a hold of `holdKind`: the same authority that places it.
 *
 * @example
 * ```ts
 * mayLiftHold('yard_planner', 'terminal'); // true
 * mayLiftHold('yard_planner', 'customs'); // false
 * ```
 */
export function mayLiftHold(role: Role, holdKind: HoldKind, orgKind?: OrgKind): boolean {
  return mayPlaceHold(role, holdKind, orgKind);
}
