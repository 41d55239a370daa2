/**
 * The shape of every aggregate in the domain, after emmett's `Decider`: the shell loads a stream, folds it
 * with `evolve` from `initialState()`, asks `decide` for new events and appends them at the expected version.
 * `decide` throws a `DomainError` to refuse; neither function reads a clock or a random source.
 *
 * @example
 * ```ts
 * const state = foldEvents(visitDecider, storedEvents);
 * const newEvents = visitDecider.decide(command, state);
 * ```
 */
export interface Decider<C, E, S> {
  /** The events that `command` causes in `state`; throws `DomainError` when a rule refuses it. */
  decide(command: C, state: S): E[];
  /** The state after `event`. Never throws for an event that `decide` produced. */
  evolve(state: S, event: E): S;
  /** The state of an empty stream. */
  initialState(): S;
}

/**
 * Folds `events` from the decider's initial state.
 *
 * @example
 * ```ts
 * const state = foldEvents(visitDecider, [announced, discharged]);
 * ```
 */
export function foldEvents<C, E, S>(decider: Decider<C, E, S>, events: readonly E[]): S {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState());
}
