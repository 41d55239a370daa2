/** UN/EDIFACT interchanges (issue 17): importing them whole or not at all, their receipts and CONTRL answers. */
export * from './contrl.js';
export * from './edi.ports.js';
export * from './import.usecases.js';
export * from './outbound.usecases.js';
