/**
 * Test support: domain tests read as histories, after emmett's `DeciderSpecification`.
 *
 * ```ts
 * const spec = deciderSpec(visitDecider);
 * spec.given([announced]).when(discharge).then([discharged]);
 * spec.given([]).when(discharge).thenFails('visit.not_found');
 * ```
 *
 * Only `*.test.ts` files import this module; it is the one domain file that imports the test runner.
 */
import { expect } from 'vitest';
import { type Decider, foldEvents } from '../decider.js';
import { type DomainErrorCode, isDomainError } from '../errors.js';

/** What a `when` step can be checked against. */
export interface DeciderThen<E, S> {
  /**
   * Asserts the command produces exactly `expected`, that they are plain JSON (they become audit leaves),
   * and returns the state after them for further checks.
   */
  then(expected: readonly E[]): S;
  /** Asserts the command is refused with `code`, and (when given) that the error's details include `details`. */
  thenFails(code: DomainErrorCode, details?: Record<string, unknown>): void;
}

/** A `given(events).when(command)` chain over one decider. */
export interface DeciderSpec<C, E, S> {
  given(events: readonly E[]): { when(command: C): DeciderThen<E, S> };
}

/**
 * Builds the given/when/then helper for a decider.
 *
 * @example
 * ```ts
 * deciderSpec(visitDecider).given([announced]).when(gateOut).thenFails('visit.not_in_yard');
 * ```
 */
export function deciderSpec<C, E, S>(decider: Decider<C, E, S>): DeciderSpec<C, E, S> {
  return {
    given: (events) => ({
      when: (command) => {
        const run = (): E[] => decider.decide(command, foldEvents(decider, events));
        return {
          // biome-ignore lint/suspicious/noThenProperty: given/when/then reads as a history; never awaited.
          then(expected) {
            const actual = run();
            expect(actual).toEqual(expected);
            expect(JSON.parse(JSON.stringify(actual))).toStrictEqual(actual);
            return foldEvents(decider, [...events, ...actual]);
          },
          thenFails(code, details) {
            let caught: unknown;
            try {
              const produced = run();
              caught = new Error(`expected ${code}, but the command produced ${JSON.stringify(produced)}`);
            } catch (error) {
              caught = error;
            }
            if (!isDomainError(caught)) throw caught;
            expect(caught.code, caught.message).toBe(code);
            if (details !== undefined) expect(caught.details).toMatchObject(details);
          },
        };
      },
    }),
  };
}
