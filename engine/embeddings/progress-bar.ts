/**
 * A download's progress for the person at the terminal: a bar redrawn in place on a TTY, and on a
 * pipe (CI, a log file) one line at the start and one at the end rather than a hundred.
 */
export function terminalProgress(label: string, stream: NodeJS.WriteStream = process.stderr) {
  let shown = -1;
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
  return {
    update(done: number, total: number): void {
      if (!total) return;
      const percent = Math.floor((done / total) * 100);
      if (percent === shown) return;
      if (!stream.isTTY) {
        if (shown < 0) stream.write(`${label}: downloading ${mb(total)}\n`);
        shown = percent;
        return;
      }
      shown = percent;
      const width = 30;
      const filled = Math.round((width * percent) / 100);
      stream.write(`\r${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${percent}% of ${mb(total)}`);
    },
    end(outcome: string): void {
      stream.write(`${stream.isTTY && shown >= 0 ? "\n" : ""}${label}: ${outcome}\n`);
    },
  };
}
