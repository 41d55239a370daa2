import { userInfo } from 'node:os';
import { type Command, Option } from 'commander';
import {
  decideEnrolmentAsOperator,
  type EnrolmentView,
  listEnrolmentsForOperator,
} from '../app/access/index.js';
import { openSystem } from './system.js';

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
type Run = <T>(command: (input: T, io: Io) => Promise<number | undefined>) => (input: T) => Promise<void>;

/** What a confirmer must see before confirming (issue 10, row D): the person, the device, the time, the network. */
export function describeEnrolment(view: EnrolmentView): string {
  const { person, device } = view;
  const authenticator = device.authenticator ?? `authenticator ${device.aaguid}`;
  return (
    `${view.enrolmentId}  ${view.status.padEnd(9)} ${person.username} (${person.displayName}, ${person.orgName}; ${person.roles.join(', ')})\n` +
    `    registered ${view.registeredAt} from ${view.ip}\n` +
    `    device: ${device.userAgent || 'no user agent'}; ${authenticator}\n` +
    (view.otherEnrolments > 0
      ? `    WARNING: ${view.otherEnrolments} other enrolment${view.otherEnrolments === 1 ? '' : 's'} of this person: a link may have been used by someone else\n`
      : '') +
    (view.wrongCodes > 0
      ? `    WARNING: ${view.wrongCodes} wrong confirmation code${view.wrongCodes === 1 ? '' : 's'} typed${view.locked ? ': it can only be rejected' : ''}\n`
      : '') +
    (view.decidedBy ? `    ${view.status} by ${view.decidedBy} at ${view.decidedAt}\n` : '')
  );
}

/**
 * `portledger enrolment …`: the operator at the machine lists passkeys registered through enrolment links and
 * confirms or rejects them. The operator is the root of trust of a fresh installation (its first administrator)
 * and of the demo; everyone else is confirmed in the console by a supervisor or an administrator. Confirming needs
 * the code the person's enrolment page shows (`--code`): ask them for it, in person or on a call you place.
 */
export function registerEnrolmentCommands(program: Command, run: Run, dbOption: () => Option): void {
  const enrolment = program
    .command('enrolment')
    .description('passkeys registered through enrolment links, waiting for confirmation');
  enrolment
    .command('list')
    .description('list enrolments with their device, time and network (default: the pending ones)')
    .addOption(dbOption())
    .addOption(
      new Option('--status <status>', 'which ones')
        .choices(['pending', 'confirmed', 'rejected', 'all'])
        .default('pending'),
    )
    .action(run(enrolmentListCommand));
  for (const decision of ['confirm', 'reject'] as const) {
    const command = enrolment
      .command(decision)
      .description(
        decision === 'confirm'
          ? "confirm a person's pending passkey as the operator at this machine, with the confirmation code their enrolment page shows"
          : "reject a person's pending passkey as the operator at this machine: it never signs in",
      )
      .addOption(dbOption())
      .requiredOption('--user <username>', 'whose passkey');
    if (decision === 'confirm') {
      command.requiredOption(
        '--code <XXXX-XXXX>',
        'the confirmation code the person’s enrolment page shows them: ask them for it (in person or on a call you place), never copy it from elsewhere; it also picks the enrolment',
      );
    }
    command
      .option('--id <enrolmentId>', 'which enrolment, when the person has more than one pending')
      .addOption(
        new Option(
          '--by-operator',
          'you, at this machine, vouch that the passkey is the person’s',
        ).makeOptionMandatory(),
      )
      .action(
        run((options: { db?: string; user: string; id?: string; code?: string }, io: Io) =>
          enrolmentDecideCommand({ ...options, decision }, io),
        ),
      );
  }
}

async function enrolmentListCommand(options: { db?: string; status: string }, io: Io): Promise<number> {
  const system = await openSystem({ databaseUrl: options.db });
  try {
    const views = await listEnrolmentsForOperator(
      system.auth,
      options.status === 'all' ? {} : { status: options.status as EnrolmentView['status'] },
    );
    if (views.length === 0)
      io.stdout.write(`no ${options.status === 'all' ? '' : `${options.status} `}enrolments\n`);
    for (const view of views) io.stdout.write(describeEnrolment(view));
    return 0;
  } finally {
    await system.close();
  }
}

async function enrolmentDecideCommand(
  options: { db?: string; user: string; id?: string; code?: string; decision: 'confirm' | 'reject' },
  io: Io,
): Promise<number> {
  const system = await openSystem({ databaseUrl: options.db });
  try {
    const view = await decideEnrolmentAsOperator(system.auth, {
      username: options.user,
      ...(options.id ? { enrolmentId: options.id } : {}),
      ...(options.decision === 'confirm'
        ? { decision: 'confirm' as const, code: options.code ?? '' }
        : { decision: 'reject' as const }),
      operator: userInfo().username,
    });
    io.stdout.write(
      `${options.decision === 'confirm' ? 'confirmed' : 'rejected'} the passkey of ${view.person.username}:\n${describeEnrolment(view)}`,
    );
    return 0;
  } finally {
    await system.close();
  }
}
