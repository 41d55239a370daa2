/** Pickup appointments, the drivers hauliers send and the phones that carry their passes. */
export * from './appointments.usecases.js';
export * from './driver-devices.usecases.js';
export * from './drivers.usecases.js';
export * from './terminals.usecases.js';
