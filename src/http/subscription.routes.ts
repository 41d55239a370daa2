/**
 * Event subscriptions (issue 16). `/v2/event-subscriptions` is DCSA Track & Trace 2.2's push model (create, list,
 * read, update, delete, and `PUT …/{subscriptionID}/secret`); `/v1/webhooks` are thin webhooks of our own flows, the
 * same subscriptions with `kind: thin`, whose notification is `{id, type, visitRef, at}`. Both are scoped to the
 * caller's organisation (an API token or a session), signed the same way (docs/webhooks.md), and list their
 * deliveries and dead letters (`…/deliveries?status=dead`).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../app/errors.js';
import {
  type AddressRange,
  createSubscription,
  DELIVERY_PAGE_MAX,
  deleteSubscription,
  type HostResolver,
  listSubscriptionDeliveries,
  listSubscriptions,
  readSubscription,
  rotateSubscriptionSecret,
  type SubscriptionCaller,
  type SubscriptionDeps,
  type SubscriptionKind,
  type SubscriptionView,
  THIN_TYPES,
  updateSubscription,
} from '../app/partners/index.js';
import { callerOf } from './caller.js';
import type { HttpDeps } from './deps.js';
import { problemResponses } from './schemas.js';

/** Where callbacks may go: the resolver and the ranges an administrator allows (`PORTLEDGER_CALLBACK_ALLOW`). */
export interface CallbackGuard {
  readonly resolve: HostResolver;
  readonly allow: readonly AddressRange[];
}

const errors = {
  401: { $ref: 'Problem#' },
  403: { $ref: 'Problem#' },
  422: { $ref: 'Problem#' },
  ...problemResponses,
} as const;

const Uuid = Type.String({ format: 'uuid', description: 'The subscription (DCSA `subscriptionID`)' });
const Secret = Type.String({
  minLength: 24,
  maxLength: 400,
  description:
    'DCSA 2.2 `secret`: base64 of 16 to 256 bytes, shared by us and the receiver; the key of the HMAC-SHA256 signatures. Never shown again.',
});
const CallbackUrl = Type.String({
  maxLength: 2000,
  description:
    'Where each event is POSTed: http(s) only, to a public address (the SSRF guard; an administrator may allow ranges with PORTLEDGER_CALLBACK_ALLOW). Redirects are not followed.',
});
const EquipmentCodes = Type.Array(Type.String({ maxLength: 4 }), {
  maxItems: 20,
  description:
    'DCSA `equipmentEventTypeCode` values (OR): LOAD, DISC, GTIN, GTOT, and the 3.0 customs codes CUSS, CUSI, CUSR',
});
const EventTypes = Type.Array(Type.String({ maxLength: 10 }), {
  maxItems: 3,
  description: 'DCSA `eventType` values (OR); we produce EQUIPMENT',
});

const DcsaFilters = {
  eventType: Type.Optional(EventTypes),
  equipmentEventTypeCode: Type.Optional(EquipmentCodes),
  equipmentReference: Type.Optional(Type.String({ maxLength: 15, description: 'One container number' })),
  carrierBookingReference: Type.Optional(Type.String({ maxLength: 35 })),
  transportDocumentReference: Type.Optional(Type.String({ maxLength: 20 })),
};

const DcsaSubscription = Type.Object(
  {
    subscriptionID: Uuid,
    callbackUrl: Type.String(),
    ...DcsaFilters,
  },
  { description: 'A DCSA T&T 2.2 subscription (`subscription`), never its secret' },
);

const ThinTypes = Type.Array(Type.String({ maxLength: 40 }), {
  maxItems: THIN_TYPES.length,
  description: `The notification types wanted (OR); all when absent: ${THIN_TYPES.join(', ')}`,
});

const Webhook = Type.Object(
  {
    id: Uuid,
    callbackUrl: Type.String(),
    types: Type.Optional(ThinTypes),
    equipmentReference: Type.Optional(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  {
    description:
      'A thin webhook: `{id, type, visitRef, at}` for each happening of the organisation’s own boxes',
  },
);

const Delivery = Type.Object({
  eventId: Type.String({
    description: 'DCSA `eventID`, or the thin notification’s `id`: what a receiver de-duplicates by',
  }),
  position: Type.Integer({
    minimum: 0,
    description: 'The event’s audit index: deliveries go out in this order',
  }),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead')]),
  attempts: Type.Integer({ minimum: 0 }),
  nextAttemptAt: Type.String({ format: 'date-time' }),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  deliveredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const DeliveryQuery = Type.Object({
  status: Type.Optional(
    Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead')]),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: DELIVERY_PAGE_MAX, default: 100 })),
});

const dcsaBody = (view: SubscriptionView) => ({
  subscriptionID: view.subscriptionID,
  callbackUrl: view.callbackUrl,
  ...(view.eventType ? { eventType: view.eventType } : {}),
  ...(view.equipmentEventTypeCode ? { equipmentEventTypeCode: view.equipmentEventTypeCode } : {}),
  ...(view.equipmentReference ? { equipmentReference: view.equipmentReference } : {}),
  ...(view.carrierBookingReference ? { carrierBookingReference: view.carrierBookingReference } : {}),
  ...(view.transportDocumentReference ? { transportDocumentReference: view.transportDocumentReference } : {}),
});

const webhookBody = (view: SubscriptionView) => ({
  id: view.subscriptionID,
  callbackUrl: view.callbackUrl,
  ...(view.thinTypes ? { types: view.thinTypes } : {}),
  ...(view.equipmentReference ? { equipmentReference: view.equipmentReference } : {}),
  createdAt: view.createdAt,
  updatedAt: view.updatedAt,
});

export function subscriptionRoutes(http: HttpDeps, guard: CallbackGuard): FastifyPluginAsyncTypebox {
  const ledger = http.auth.ledger;
  const deps: SubscriptionDeps = {
    ledger,
    sealer: http.auth.security.sealer,
    resolve: guard.resolve,
    allow: guard.allow,
  };
  const outbox = ledger.store.outbox;

  async function callerFor(request: FastifyRequest): Promise<SubscriptionCaller> {
    const principal = await callerOf(ledger.store, request);
    return { orgId: principal.orgId, actor: principal.userId };
  }
  /** The caller's subscription of this kind; one of the other kind is answered as one that does not exist. */
  async function own(
    caller: SubscriptionCaller,
    id: string,
    kind: SubscriptionKind,
  ): Promise<SubscriptionView> {
    const view = await readSubscription(outbox, caller, id);
    if (view.kind !== kind) throw new AppError('subscription.not_found', `no subscription ${id}`);
    return view;
  }

  return async (app) => {
    const config = { access: 'subscription.manage' as const };
    const tags = ['Subscriptions'];

    // DCSA T&T 2.2 `/v2/event-subscriptions`.
    app.post(
      '/v2/event-subscriptions',
      {
        config,
        schema: {
          tags,
          summary: 'Subscribe to DCSA equipment events (T&T 2.2)',
          description:
            'Each event the organisation may see (as `/v2/events` shows it) and the filters match is POSTed to `callbackUrl` as a one-event array, signed: `Notification-Signature: sha256=<hex HMAC-SHA256 of the raw body>`, `Subscription-ID`, and our `Notification-Timestamp` with `Notification-Timestamp-Signature` against replays (docs/webhooks.md). At least once, in log order: de-duplicate by `eventID`.',
          body: Type.Object({ callbackUrl: CallbackUrl, secret: Secret, ...DcsaFilters }),
          response: { 201: DcsaSubscription, ...errors },
        },
      },
      async (request, reply) => {
        const { callbackUrl, secret, ...filters } = request.body;
        const view = await createSubscription(deps, await callerFor(request), {
          kind: 'dcsa',
          callbackUrl,
          secret,
          filters,
        });
        return reply.code(201).send(dcsaBody(view));
      },
    );
    app.get(
      '/v2/event-subscriptions',
      {
        config,
        schema: {
          tags,
          summary: 'The organisation’s DCSA subscriptions',
          querystring: Type.Object({
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
          }),
          response: { 200: Type.Array(DcsaSubscription), ...errors },
        },
      },
      async (request) => {
        const all = await listSubscriptions(outbox, await callerFor(request), 'dcsa');
        return all.slice(0, request.query.limit ?? 100).map(dcsaBody);
      },
    );
    app.get(
      '/v2/event-subscriptions/:subscriptionID',
      {
        config,
        schema: {
          tags,
          summary: 'One DCSA subscription',
          params: Type.Object({ subscriptionID: Uuid }),
          response: { 200: DcsaSubscription, ...errors },
        },
      },
      async (request) => dcsaBody(await own(await callerFor(request), request.params.subscriptionID, 'dcsa')),
    );
    app.put(
      '/v2/event-subscriptions/:subscriptionID',
      {
        config,
        schema: {
          tags,
          summary: 'Change a DCSA subscription’s callback URL and filters (the secret stays)',
          params: Type.Object({ subscriptionID: Uuid }),
          body: Type.Object({
            subscriptionID: Type.Optional(Uuid),
            callbackUrl: CallbackUrl,
            ...DcsaFilters,
          }),
          response: { 200: DcsaSubscription, ...errors },
        },
      },
      async (request) => {
        const caller = await callerFor(request);
        const { subscriptionID: bodyId, callbackUrl, ...filters } = request.body;
        if (bodyId !== undefined && bodyId !== request.params.subscriptionID) {
          throw new AppError('input.invalid', 'the body names another subscriptionID than the path');
        }
        await own(caller, request.params.subscriptionID, 'dcsa');
        return dcsaBody(
          await updateSubscription(deps, caller, request.params.subscriptionID, { callbackUrl, filters }),
        );
      },
    );
    app.delete(
      '/v2/event-subscriptions/:subscriptionID',
      {
        config,
        schema: {
          tags,
          summary: 'Delete a DCSA subscription (it is deactivated; the log keeps its history)',
          params: Type.Object({ subscriptionID: Uuid }),
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        const caller = await callerFor(request);
        await own(caller, request.params.subscriptionID, 'dcsa');
        await deleteSubscription(deps, caller, request.params.subscriptionID);
        return reply.code(204).send(null);
      },
    );
    app.put(
      '/v2/event-subscriptions/:subscriptionID/secret',
      {
        config,
        schema: {
          tags,
          summary: 'Reset the secret of a DCSA subscription (T&T 2.2)',
          params: Type.Object({ subscriptionID: Uuid }),
          body: Type.Object({ secret: Secret }),
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        const caller = await callerFor(request);
        await own(caller, request.params.subscriptionID, 'dcsa');
        await rotateSubscriptionSecret(deps, caller, request.params.subscriptionID, request.body.secret);
        return reply.code(204).send(null);
      },
    );
    app.get(
      '/v2/event-subscriptions/:subscriptionID/deliveries',
      {
        config,
        schema: {
          tags,
          summary: 'A DCSA subscription’s deliveries; `?status=dead` lists its dead letters',
          params: Type.Object({ subscriptionID: Uuid }),
          querystring: DeliveryQuery,
          response: { 200: Type.Object({ deliveries: Type.Array(Delivery) }), ...errors },
        },
      },
      async (request) => {
        const caller = await callerFor(request);
        await own(caller, request.params.subscriptionID, 'dcsa');
        return {
          deliveries: await listSubscriptionDeliveries(
            outbox,
            caller,
            request.params.subscriptionID,
            request.query,
          ),
        };
      },
    );

    // Thin webhooks of our own flows: the same subscriptions, `kind: thin`.
    const thinTags = ['Webhooks'];
    app.post(
      '/v1/webhooks',
      {
        config,
        schema: {
          tags: thinTags,
          summary: 'Subscribe to thin notifications of the organisation’s own boxes',
          description:
            'Each happening of a box the organisation may see (announced, discharged, gated in or out, loaded, a hold placed or lifted, its release blocked) or an offer of a release right waiting for it is POSTed to `callbackUrl` as `{id, type, visitRef, at}`, signed as the DCSA callbacks are (docs/webhooks.md). The receiver fetches the details with its own credentials.',
          body: Type.Object({
            callbackUrl: CallbackUrl,
            secret: Secret,
            types: Type.Optional(ThinTypes),
            equipmentReference: Type.Optional(Type.String({ maxLength: 15 })),
          }),
          response: { 201: Webhook, ...errors },
        },
      },
      async (request, reply) => {
        const { callbackUrl, secret, types, equipmentReference } = request.body;
        const view = await createSubscription(deps, await callerFor(request), {
          kind: 'thin',
          callbackUrl,
          secret,
          filters: {
            ...(types ? { thinTypes: types } : {}),
            ...(equipmentReference ? { equipmentReference } : {}),
          },
        });
        return reply.code(201).send(webhookBody(view));
      },
    );
    app.get(
      '/v1/webhooks',
      {
        config,
        schema: {
          tags: thinTags,
          summary: 'The organisation’s thin webhooks',
          response: { 200: Type.Object({ webhooks: Type.Array(Webhook) }), ...errors },
        },
      },
      async (request) => ({
        webhooks: (await listSubscriptions(outbox, await callerFor(request), 'thin')).map(webhookBody),
      }),
    );
    app.get(
      '/v1/webhooks/:id',
      {
        config,
        schema: {
          tags: thinTags,
          summary: 'One thin webhook',
          params: Type.Object({ id: Uuid }),
          response: { 200: Webhook, ...errors },
        },
      },
      async (request) => webhookBody(await own(await callerFor(request), request.params.id, 'thin')),
    );
    app.delete(
      '/v1/webhooks/:id',
      {
        config,
        schema: {
          tags: thinTags,
          summary: 'Delete a thin webhook (deactivated; the log keeps its history)',
          params: Type.Object({ id: Uuid }),
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        const caller = await callerFor(request);
        await own(caller, request.params.id, 'thin');
        await deleteSubscription(deps, caller, request.params.id);
        return reply.code(204).send(null);
      },
    );
    app.put(
      '/v1/webhooks/:id/secret',
      {
        config,
        schema: {
          tags: thinTags,
          summary: 'Reset a thin webhook’s secret',
          params: Type.Object({ id: Uuid }),
          body: Type.Object({ secret: Secret }),
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        const caller = await callerFor(request);
        await own(caller, request.params.id, 'thin');
        await rotateSubscriptionSecret(deps, caller, request.params.id, request.body.secret);
        return reply.code(204).send(null);
      },
    );
    app.get(
      '/v1/webhooks/:id/deliveries',
      {
        config,
        schema: {
          tags: thinTags,
          summary: 'A thin webhook’s deliveries; `?status=dead` lists its dead letters',
          params: Type.Object({ id: Uuid }),
          querystring: DeliveryQuery,
          response: { 200: Type.Object({ deliveries: Type.Array(Delivery) }), ...errors },
        },
      },
      async (request) => {
        const caller = await callerFor(request);
        await own(caller, request.params.id, 'thin');
        return {
          deliveries: await listSubscriptionDeliveries(outbox, caller, request.params.id, request.query),
        };
      },
    );
  };
}
