/** Partners' systems (issue 16): DCSA Track & Trace, event subscriptions and their outbox, thin webhooks. */
export * from './callback-url.js';
export * from './delivery.js';
export * from './dispatcher.js';
export * from './partner-event-refill.js';
export * from './partners.ports.js';
export * from './signature.js';
export * from './subscriptions.ports.js';
export * from './subscriptions.usecases.js';
export * from './tnt.usecases.js';
