/**
 * Progress per stage: a cli-progress bar on a terminal, plain log lines otherwise (CI, pipes,
 * `--json`), so logs stay readable where no one watches a bar.
 */
import cliProgress from "cli-progress";

export interface StageProgress {
  /** `total` units of work start now */
  start(total: number): void;
  /** one unit is done; `label` names it (a symbol, a fold) */
  tick(label?: string): void;
  /** a line for the log that does not break the bar */
  log(message: string): void;
  stop(): void;
}

export interface ProgressReporter {
  stage(name: string): StageProgress;
  close(): void;
}

type Write = (line: string) => void;

class BarReporter implements ProgressReporter {
  private readonly multibar = new cliProgress.MultiBar(
    {
      format: " {stage} |{bar}| {value}/{total} {label}",
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: true,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );

  stage(name: string): StageProgress {
    const stageName = name.padEnd(9);
    let bar: cliProgress.SingleBar | undefined;
    return {
      start: (total) => {
        bar = this.multibar.create(Math.max(total, 1), 0, { stage: stageName, label: "" });
      },
      tick: (label) => bar?.increment(1, { label: label ?? "" }),
      log: (message) => this.multibar.log(`${message}\n`),
      stop: () => {
        if (bar) bar.update(bar.getTotal(), { label: "done" });
        bar?.stop();
      },
    };
  }

  close(): void {
    this.multibar.stop();
  }
}

class LineReporter implements ProgressReporter {
  constructor(private readonly write: Write) {}

  stage(name: string): StageProgress {
    let total = 0;
    let done = 0;
    let lastPercent = -1;
    return {
      start: (n) => {
        total = n;
        this.write(`[${name}] ${n} item(s)`);
      },
      tick: (label) => {
        done++;
        // one line per 25% keeps CI logs short on 32 symbols and on thousands of folds alike
        const percent = total > 0 ? Math.floor((done / total) * 4) * 25 : 100;
        if (percent !== lastPercent || done === total) {
          lastPercent = percent;
          this.write(`[${name}] ${done}/${total}${label ? ` ${label}` : ""}`);
        }
      },
      log: (message) => this.write(`[${name}] ${message}`),
      stop: () => undefined,
    };
  }

  close(): void {}
}

class SilentReporter implements ProgressReporter {
  stage(): StageProgress {
    return {
      start: () => undefined,
      tick: () => undefined,
      log: () => undefined,
      stop: () => undefined,
    };
  }
  close(): void {}
}

export function createProgress(
  mode: "auto" | "lines" | "silent",
  write: Write = (l) => console.error(l),
): ProgressReporter {
  if (mode === "silent") return new SilentReporter();
  if (mode === "auto" && process.stderr.isTTY && !process.env.CI) return new BarReporter();
  return new LineReporter(write);
}
