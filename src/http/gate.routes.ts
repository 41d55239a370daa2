import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { admitAtGate, gateAnswerFor, gateTransaction } from '../app/gate/index.js';
import { gateChecks } from '../domain/index.js';
import { requirePrincipal } from './auth.plugin.js';
import { callerOf } from './caller.js';
import type { HttpDeps } from './deps.js';
import { problemResponses } from './schemas.js';

const VerdictSchema = Type.Object(
  {
    attemptId: Type.String(),
    accepted: Type.Boolean(),
    visitRef: Type.String({
      description:
        "`unidentified` when the pass does not authenticate its presenter: a forged credential, a pass not signed by the driver's active phone, a stale pass, or a printed one where printing is off",
    }),
    containerNumber: Type.Union([Type.String(), Type.Null()], {
      description:
        'The box the credential names, so that the clerk can turn the driver away; `null` when what was scanned is not genuine',
    }),
    yardPosition: Type.Union(
      [
        Type.Object({
          terminal: Type.String(),
          block: Type.String(),
          bay: Type.Integer(),
          row: Type.Integer(),
          tier: Type.Integer(),
        }),
        Type.Null(),
      ],
      {
        description:
          "Where the truck goes for the box: its yard slot when the gate let it out. Only for the terminal's own staff (who see yard positions); `null` for a kiosk's token, and whenever the gate refused",
      },
    ),
    checks: Type.Array(
      Type.Object({
        check: Type.Union(gateChecks.map((check) => Type.Literal(check))),
        passed: Type.Boolean({
          description: 'true when `state` is `passed` or `not_applicable`: a check not checked is not passed',
        }),
        state: Type.Union(
          [
            Type.Literal('passed'),
            Type.Literal('failed'),
            Type.Literal('not_checked'),
            Type.Literal('not_applicable'),
          ],
          {
            description:
              "`not_checked`: the pass did not authenticate its presenter, so the gate reports its own checks only. `not_applicable`: a check about the other kind of pass (a printed credential has no phone signature or time step; a phone's pass is not printed)",
          },
        ),
        reason: Type.Union([Type.String(), Type.Null()], {
          description:
            "For a crossed or unchecked check, one sentence for the gate clerk with the facts (the badge or plate read, when the slot's gate window opens on the terminal's clock with the zone named) and what happens next; `null` when passed. Words for people: machines read `check` and `state`",
        }),
        why: Type.Union(
          [
            Type.Object({
              code: Type.String({
                description:
                  'Stable code of the reason, e.g. `window.early`, `badge.booking_names_another`, `printed.off`, `not_checked.presenter`',
              }),
              params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), {
                description:
                  'The facts the reason names: `badge`, `plate` (as read), `at` (ISO 8601) with `timeZone` and `minutes` for a gate window, `red` (the red lights, comma-separated), `status`',
              }),
            }),
            Type.Null(),
          ],
          {
            description:
              '`reason` as a code and its parameters, for a client that says it in its own language; `null` when passed or not applicable',
          },
        ),
      }),
      { description: 'Every check of the gate, ticked, crossed or not checked, in a fixed order' },
    ),
    index: Type.Integer({ minimum: 0, description: 'Index of the verdict event in the audit log' }),
  },
  { description: 'The gate verdict; recorded either way, and a refusal raises an alert' },
);

/**
 * The gate (issue 4): a gate clerk or a kiosk (an API token with `visit.gate_out`) submits the scanned pickup
 * credential, the badge read from the card and the truck plate. The answer is 200 either way: a refusal is a
 * verdict, not an error.
 */
export function gateRoutes(deps: HttpDeps): FastifyPluginAsyncTypebox {
  const gate = {
    ledger: deps.auth.ledger,
    sealer: deps.auth.security.sealer,
    pickup: deps.pickup,
    terminals: deps.terminals,
    throttle: deps.gateThrottle,
    timingLeadMinutes: deps.gateTimingLeadMinutes,
  };
  return async (app) => {
    app.post(
      '/v1/gate/transactions',
      {
        config: { access: 'visit.gate_out' },
        schema: {
          tags: ['gate'],
          summary: 'Checks a driver at the gate-out and, when every check passes, lets the box out (GTOT)',
          body: Type.Object({
            credential: Type.String({
              maxLength: 4096,
              description:
                "The scanned QR code: the rotating pass from the driver's phone (plp1.…), or the printed credential (plc1.…) where the terminal still allows it",
            }),
            badge: Type.String({ maxLength: 64, description: 'The badge number read from the card' }),
            truckPlate: Type.String({ maxLength: 32 }),
          }),
          response: {
            200: VerdictSchema,
            401: { $ref: 'Problem#' },
            403: { $ref: 'Problem#' },
            429: { $ref: 'Problem#' },
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const principal = requirePrincipal(request);
        const operator =
          principal.kind === 'user' ? principal.auth.user.userId : `token:${principal.token.tokenId}`;
        // Issue 10, row G: past its limits a kiosk or a credential gets 429 with Retry-After, and nothing is
        // recorded; the attempts it was let make are grouped into one alert. Every attempt counts against the
        // kiosk here; only a genuine pass counts against its credential, in the transaction (`gateTransaction`).
        await admitAtGate(deps.gateThrottle, { kiosk: operator }, deps.auth.ledger.clock.now());
        const caller = await callerOf(deps.auth.ledger.store, request);
        const result = await gateTransaction(gate, operator, request.body, {
          gateTerminals: caller.orgKind === 'terminal_operator' ? (caller.terminals ?? []) : [],
        });
        // Issue 10, row F: the answer is cut to what this kiosk or clerk may know of the box; the log keeps it all.
        return gateAnswerFor(
          deps.auth.ledger.store,
          {
            principal: caller,
            ...(request.apiToken ? { tokenPermissions: request.apiToken.permissions } : {}),
          },
          result,
        );
      },
    );
  };
}
