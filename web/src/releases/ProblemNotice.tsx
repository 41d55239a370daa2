import { Notice } from '../components.js';
import { messageOf } from '../errors.js';

/** Why the server refused a form, above its fields. */
export function ProblemNotice({ problem }: { problem: unknown }) {
  if (problem === undefined) return null;
  return (
    <Notice tone="error" title="That did not work">
      <p>{messageOf(problem)}</p>
    </Notice>
  );
}
