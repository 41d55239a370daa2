/** The yard map: which cells of a terminal stand full, coloured by what the console needs to know. */
export * from './yard-map.usecases.js';
