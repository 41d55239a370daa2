/**
 * Where the detection engine keeps its place (issue 15): one row per engine, holding the audit index of the next
 * event it reads and the core's snapshot at that point. The row is written in the same transaction as the alerts
 * of the events before it, so a crash loses both or neither: each event is seen exactly once.
 */

/** An engine's place in the log. */
export interface DetectionCursor {
  /** Which engine (one per set of rules; `detection` for the port's own). */
  readonly engineId: string;
  /** The audit index of the next event the engine reads: the number of events it has seen. */
  readonly position: number;
  /** `DetectionCore.snapshot()` at `position`, as JSON text. */
  readonly state: string;
  /** When the engine stored it (the transaction's time). */
  readonly updatedAt: string;
}

export interface DetectionCursorReads {
  /** The engine's stored place, if it has stored one. */
  getDetectionCursor(engineId: string): Promise<DetectionCursor | undefined>;
}

export interface DetectionCursorWrites extends DetectionCursorReads {
  /**
   * Stores `cursor` if the engine's stored position is still `expectedPosition` (`null`: nothing stored yet), and
   * returns true; else writes nothing and returns false. Two engines that read the same place can never both
   * advance from it.
   */
  advanceDetectionCursor(cursor: DetectionCursor, expectedPosition: number | null): Promise<boolean>;
}
