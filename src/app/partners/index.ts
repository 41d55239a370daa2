/** Partners' systems (issue 16): DCSA Track & Trace, event subscriptions and their outbox, thin webhooks. */
export * from './partners.ports.js';
export * from './tnt.usecases.js';
