export * from './core.js';
export * from './facts.js';
export * from './rule.js';
export * from './rules/index.js';
