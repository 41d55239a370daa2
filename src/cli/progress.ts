import cliProgress from 'cli-progress';

/** A progress bar on stderr when stderr is a terminal; otherwise nothing, so logs and pipes stay clean. */
export function progressBar(stderr: NodeJS.WritableStream, label: string) {
  const tty = (stderr as NodeJS.WriteStream).isTTY === true;
  if (!tty) return { update: (_done: number, _total: number) => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: stderr as NodeJS.WriteStream,
      format: `${label} [{bar}] {percentage}% {value}/{total}`,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done: number, total: number) {
      if (!started) {
        bar.start(total, done);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
