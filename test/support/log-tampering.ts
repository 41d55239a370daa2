/**
 * What a rogue database administrator does to a stopped server's SQLite file (issue 11), for the tests that must
 * catch it: the careful cut and the fork with the stolen log key. Both leave a log that verifies on its own
 * (`portledger verify --db` passes), so only someone who kept a checkpoint from before (the server's
 * kept-checkpoint file, a witness, a monitor) can tell. The drill makes the same edits: they live with it.
 */
export { cutLog, forkLog } from '../../src/cli/drill-history.js';
