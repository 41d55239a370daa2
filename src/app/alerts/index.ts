/**
 * Alerts: raising them beside the events that explain them, and what people do about them (acknowledge, assign, resolve).
 */

export * from './alert.ports.js';
export * from './alert-records.js';
export * from './alerts.usecases.js';
export * from './position-view.ports.js';
export * from './position-views.js';
