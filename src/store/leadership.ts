import { createHash } from 'node:crypto';
import pg from 'pg';
import type { LeaderRole, Leadership } from '../app/ports.js';

/** Leadership a process can stop: it lets go of its roles when it closes. */
export interface LeadershipHandle extends Leadership {
  /** The roles this process holds now. */
  held(): LeaderRole[];
  close(): Promise<void>;
}

/** A process alone on its database (SQLite, memory) holds every role. */
export function soleLeadership(): LeadershipHandle {
  return {
    holds: () => true,
    held: () => ['checkpoint-signer', 'integrity-sweep', 'detection-engine', 'outbox-dispatcher'],
    close: async () => {},
  };
}

/**
 * The advisory-lock key of a role: the first 8 bytes of SHA-256 over the namespace and the role, as PostgreSQL's
 * signed bigint. The namespace (the log's origin) keeps two logs on one server from electing each other.
 */
export function leaderLockKey(namespace: string, role: LeaderRole): string {
  const digest = createHash('sha256').update(`portledger-leader\n${namespace}\n${role}`).digest();
  return digest.readBigInt64BE(0).toString();
}

/**
 * Elects leaders among the processes sharing one PostgreSQL database with session advisory locks (issue 13): each
 * process keeps one connection of its own and, every `retryMs`, tries the locks of the roles it does not hold
 * (`pg_try_advisory_lock`) and checks that the connection still answers. The server releases a session's locks
 * when its connection ends, so a leader that dies (SIGKILL included) hands its roles over within about
 * `retryMs`; a leader whose connection fails gives up every role at once and competes again once reconnected.
 *
 * @example
 * const leadership = await startPostgresLeadership({ url, namespace: 'port.example/log', roles: ['checkpoint-signer'] });
 * if (leadership.holds('checkpoint-signer')) await ledger.signPending();
 */
export async function startPostgresLeadership(args: {
  url: string;
  namespace: string;
  roles: readonly LeaderRole[];
  retryMs?: number;
  onChange?: (role: LeaderRole, held: boolean) => void;
  onError?: (error: unknown) => void;
}): Promise<LeadershipHandle> {
  const retryMs = args.retryMs ?? 1000;
  const held = new Set<LeaderRole>();
  let client: pg.Client | undefined;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const loseAll = () => {
    for (const role of [...held]) {
      held.delete(role);
      args.onChange?.(role, false);
    }
  };
  const dropClient = () => {
    const gone = client;
    client = undefined;
    loseAll();
    gone?.end().catch(() => undefined);
  };

  async function round(): Promise<void> {
    if (!client) {
      const fresh = new pg.Client({ connectionString: args.url, application_name: 'portledger-leader' });
      // A connection that dies between rounds emits 'error'; the next round finds it gone.
      fresh.on('error', () => {
        if (client === fresh) dropClient();
      });
      await fresh.connect();
      if (closed) {
        await fresh.end();
        return;
      }
      client = fresh;
    }
    const connection = client;
    await connection.query('select 1');
    for (const role of args.roles) {
      if (held.has(role)) continue;
      const { rows } = await connection.query<{ got: boolean }>(
        'select pg_try_advisory_lock($1::bigint) as got',
        [leaderLockKey(args.namespace, role)],
      );
      if (rows[0]?.got && client === connection && !closed) {
        held.add(role);
        args.onChange?.(role, true);
      }
    }
  }

  const schedule = () => {
    if (closed) return;
    timer = setTimeout(() => {
      round()
        .catch((error) => {
          args.onError?.(error);
          dropClient();
        })
        .finally(schedule);
    }, retryMs);
    timer.unref?.();
  };

  try {
    await round();
  } catch (error) {
    args.onError?.(error);
    dropClient();
  }
  schedule();

  return {
    holds: (role) => held.has(role),
    held: () => [...held],
    async close() {
      closed = true;
      clearTimeout(timer);
      const last = client;
      client = undefined;
      loseAll();
      // Ending the session releases its advisory locks at once.
      await last?.end().catch(() => undefined);
    },
  };
}
