export { actorOf, type EventActor, signInOf } from './actor.js';
export * from './core.js';
export * from './facts.js';
export {
  checkDeclaredNetworks,
  type DeclaredNetwork,
  declaredNetworkOf,
  distanceKm,
  MAX_DECLARED_NETWORKS,
  networkOf,
  parseCidr,
  parseIp,
} from './networks.js';
export * from './rule.js';
export * from './rules/index.js';
