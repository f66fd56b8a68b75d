/**
 * A progress bar on stderr for long roster jobs. On a terminal it redraws one line (at most ten
 * times a second) once a phase has run for half a second; when stderr is not a terminal (CI,
 * a pipe, a log file) it stays silent, so logs hold only the results.
 */
export interface Progress {
  /** Starts a phase of `total` steps. */
  phase(label: string, total: number): void;
  /** Reports `done` steps of the current phase. Cheap: call it as often as you like. */
  update(done: number): void;
  /** Ends the current phase. */
  end(): void;
}

/** A Progress that reports nothing (tests, small rosters). */
export const silentProgress: Progress = { phase() {}, update() {}, end() {} };

interface BarStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

/** A progress bar on `stream` (stderr by default); silent unless the stream is a TTY. */
export function progressBar(stream: BarStream = process.stderr): Progress {
  if (stream.isTTY !== true) return silentProgress;
  let label = "";
  let total = 1;
  let started = 0;
  let lastDraw = 0;
  let shown = false;
  const draw = (done: number) => {
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 30));
    const share = total === 0 ? 1 : Math.min(1, done / total);
    const filled = Math.round(share * width);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    stream.write(
      `\r${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${seconds}s\x1b[K`,
    );
    shown = true;
  };
  return {
    phase(name, steps) {
      label = name;
      total = steps;
      started = Date.now();
      lastDraw = started;
      shown = false;
    },
    update(done) {
      const now = Date.now();
      if (now - lastDraw < 100 || now - started < 500) return;
      lastDraw = now;
      draw(done);
    },
    end() {
      if (shown) {
        draw(total);
        stream.write("\n");
      }
    },
  };
}
