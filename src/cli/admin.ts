import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  API_TOKEN_DEFAULT_DAYS,
  API_TOKEN_MAX_DAYS,
  addOrganisation,
  addUser,
  createApiToken,
  organisationNetworks,
  requestApproval,
  revokeApiToken,
  setOrganisationNetworks,
} from '../app/access/index.js';
import { AppError } from '../app/errors.js';
import { isPermission, orgKinds, roles } from '../domain/index.js';
import { openSystem } from './system.js';

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
type Run = <T>(command: (input: T, io: Io) => Promise<number | undefined>) => (input: T) => Promise<void>;

const collect = (value: string, previous: string[] = []) => [...previous, value];

function role(value: string, previous: string[] = []): string[] {
  if (!(roles as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`${value} is no role; roles are ${roles.join(', ')}`);
  }
  return [...previous, value];
}

function permission(value: string, previous: string[] = []): string[] {
  if (!isPermission(value)) throw new InvalidArgumentError(`${value} is no permission of the policy table`);
  return [...previous, value];
}

function days(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > API_TOKEN_MAX_DAYS) {
    throw new InvalidArgumentError(`--days must be a whole number from 1 to ${API_TOKEN_MAX_DAYS}`);
  }
  return n;
}

/** Who ran the CLI, as recorded in the events it causes: the CLI has no session, only an operating-system user. */
const cliActor = () => `cli:${userInfo().username}`;

const enrolmentUrl = (publicUrl: string, token: string) =>
  `${publicUrl.replace(/\/+$/, '')}/enrol#token=${token}`;

/**
 * `portledger org …`, `user …` and `token …`: the administrator's commands. The database option is added by the
 * caller so that it reads like every other command's.
 */
export function registerAdminCommands(program: Command, run: Run, dbOption: () => Option): void {
  const org = program.command('org').description('organisations');
  org
    .command('add')
    .description('register an organisation')
    .addOption(dbOption())
    .requiredOption('--id <id>', 'organisation id')
    .addOption(new Option('--kind <kind>', 'kind of organisation').choices(orgKinds).makeOptionMandatory())
    .requiredOption('--name <name>', 'name')
    .requiredOption('--code <code>', "carrier code, SCAC or the party's own code")
    .option('--terminal <code>', 'a terminal it runs (terminal operators; repeatable)', collect)
    .action(run(orgAddCommand));
  org
    .command('networks')
    .description(
      "print an organisation's declared client networks, or declare them from a JSON file (replacing the list before): [{ cidr, place, lat, lon }, …]",
    )
    .addOption(dbOption())
    .requiredOption('--org <id>', 'organisation id')
    .option('--file <networks.json>', 'the whole list to declare, as a JSON array or { "networks": [...] }')
    .action(run(orgNetworksCommand));

  const user = program.command('user').description('users');
  user
    .command('add')
    .description('register a user and print their one-time enrolment link')
    .addOption(dbOption())
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption('--username <name>', 'login name')
    .requiredOption('--name <full name>', 'full name')
    .requiredOption('--role <role>', `role (repeatable): ${roles.join(', ')}`, role)
    .option('--id <id>', 'user id (default: random)')
    .option('--with-password', 'also set a password and TOTP, for roles that need no passkey')
    .action(run(userAddCommand));
  user
    .command('reset-passkeys')
    .description('ask for every passkey of a user to be removed: a second administrator must approve')
    .addOption(dbOption())
    .requiredOption('--user <user>', 'user id or username whose passkeys go')
    .requiredOption('--by <userId>', 'the administrator asking')
    .action(run(userResetPasskeysCommand));

  const token = program.command('token').description('API tokens of machine clients');
  token
    .command('create')
    .description('create an API token and print it, once')
    .addOption(dbOption())
    .requiredOption('--org <id>', 'organisation the client acts for')
    .requiredOption('--permission <permission>', 'permission from the policy table (repeatable)', permission)
    .option('--label <label>', 'what the token is for')
    .option('--days <n>', `days until it expires (1–${API_TOKEN_MAX_DAYS})`, days, API_TOKEN_DEFAULT_DAYS)
    .action(run(tokenCreateCommand));
  token
    .command('revoke')
    .description('revoke an API token at once')
    .addOption(dbOption())
    .requiredOption('--id <tokenId>', 'token id (not the token)')
    .action(run(tokenRevokeCommand));
}

async function orgAddCommand(
  options: { db?: string; id: string; kind: string; name: string; code: string; terminal?: string[] },
  io: Io,
): Promise<number> {
  const system = await openSystem({ databaseUrl: options.db });
  try {
    const org = await addOrganisation(system.auth, {
      orgId: options.id,
      kind: options.kind,
      name: options.name,
      code: options.code,
      terminals: options.terminal ?? [],
    });
    const terminals = org.terminals.length > 0 ? ` running ${org.terminals.join(', ')}` : '';
    io.stdout.write(`organisation ${org.orgId} (${org.kind}, ${org.code}) registered${terminals}\n`);
    return 0;
  } finally {
    await system.close();
  }
}

/**
 * `portledger org networks --org ID [--file networks.json]`: without `--file`, the declared networks as JSON on
 * stdout; with it, declares the file's list (issue 15) and says how many, refusing the whole file on one bad entry.
 */
async function orgNetworksCommand(
  options: { db?: string; org: string; file?: string },
  io: Io,
): Promise<number> {
  const networks = options.file === undefined ? undefined : await networksFile(options.file);
  const system = await openSystem({ databaseUrl: options.db });
  try {
    if (networks === undefined) {
      const declared = await organisationNetworks(system.auth, options.org);
      io.stdout.write(`${JSON.stringify(declared, null, 2)}\n`);
      return 0;
    }
    const set = await setOrganisationNetworks(system.auth, { orgId: options.org, networks, by: cliActor() });
    const places = [...new Set(set.networks.map((n) => n.place))];
    io.stdout.write(
      `organisation ${set.orgId}: ${set.networks.length} client network${set.networks.length === 1 ? '' : 's'} declared${places.length > 0 ? ` (${places.join(', ')})` : ''}\n`,
    );
    return 0;
  } finally {
    await system.close();
  }
}

/** The list in a networks file: a JSON array, or the API's body `{ "networks": [...] }`. */
async function networksFile(path: string): Promise<unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new AppError(
      'input.invalid',
      `--file ${path} is not a readable JSON file: ${(error as Error).message}`,
    );
  }
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && 'networks' in parsed) {
    return (parsed as { networks: unknown }).networks;
  }
  return parsed;
}

async function userAddCommand(
  options: {
    db?: string;
    org: string;
    username: string;
    name: string;
    role: string[];
    id?: string;
    withPassword?: boolean;
  },
  io: Io,
): Promise<number> {
  const system = await openSystem({ databaseUrl: options.db });
  try {
    const added = await addUser(system.auth, {
      userId: options.id ?? `u-${system.auth.security.tokens.newToken(9)}`,
      orgId: options.org,
      username: options.username,
      displayName: options.name,
      roles: options.role,
      issuedBy: cliActor(),
      ...(options.withPassword ? { withPassword: { password: randomBytes(18).toString('base64url') } } : {}),
    });
    const lines = [
      `user ${added.user.userId} (${added.user.username}) registered in ${added.user.orgId} as ${added.user.roles.join(', ')}`,
      `enrolment link (works once, until ${added.enrolmentExpiresAt}): ${enrolmentUrl(system.publicUrl, added.enrolmentToken)}`,
    ];
    if (added.password !== undefined && added.totpUri !== undefined) {
      lines.push(`password (shown once): ${added.password}`, `TOTP (shown once): ${added.totpUri}`);
    }
    io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await system.close();
  }
}

async function userResetPasskeysCommand(
  options: { db?: string; user: string; by: string },
  io: Io,
): Promise<number> {
  const system = await openSystem({ databaseUrl: options.db });
  try {
    const identity = system.store.identity;
    const admin = await identity.getUser(options.by);
    const adminOrg = admin && (await identity.getOrganisation(admin.orgId));
    if (!admin || !adminOrg) throw new AppError('auth.user_unknown', `no administrator ${options.by}`);
    const subject =
      (await identity.getUser(options.user)) ??
      (await identity.findUserByUsername(options.user.toLowerCase()));
    if (!subject) throw new AppError('auth.user_unknown', `no user ${options.user}`);
    const request = await requestApproval(
      system.auth,
      { user: admin, org: adminOrg },
      { kind: 'passkeys.reset', subject: subject.userId, change: {} },
    );
    io.stdout.write(
      `request ${request.requestId}\n` +
        `passkeys.reset of ${subject.userId} (${subject.username}) requested by ${admin.userId}; it expires at ${request.expiresAt}.\n` +
        'Nothing changes until a second administrator approves it in the console (or POST ' +
        `/v1/approvals/${request.requestId}/approve), after confirming with their passkey.\n`,
    );
    return 0;
  } finally {
    await system.close();
  }
}

async function tokenCreateCommand(
  options: { db?: string; org: string; permission: string[]; label?: string; days: number },
  io: Io,
): Promise<number> {
  const system = await openSystem({ databaseUrl: options.db });
  try {
    const { token, apiToken } = await createApiToken(system.auth, {
      orgId: options.org,
      permissions: options.permission,
      label: options.label,
      expiresInDays: options.days,
      createdBy: cliActor(),
    });
    // The token alone on stdout, so that it can be piped into a secret store; what it is goes to stderr.
    io.stdout.write(`${token}\n`);
    io.stderr.write(
      `token ${apiToken.tokenId} for ${apiToken.orgId} (${apiToken.permissions.join(', ')}), expires ${apiToken.expiresAt}; it is not shown again\n`,
    );
    return 0;
  } finally {
    await system.close();
  }
}

async function tokenRevokeCommand(options: { db?: string; id: string }, io: Io): Promise<number> {
  const system = await openSystem({ databaseUrl: options.db });
  try {
    const revoked = await revokeApiToken(system.auth, { tokenId: options.id, revokedBy: cliActor() });
    io.stdout.write(`token ${revoked.tokenId} revoked at ${revoked.revokedAt}\n`);
    return 0;
  } finally {
    await system.close();
  }
}
