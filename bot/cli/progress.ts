// Progress of a long `parse` or `replay` on stderr: records, rate and, when the inputs' size is known, an ETA,
// on one line redrawn in place and cleared at the end. Only on a terminal: never in a pipe or a log.
import type { Io } from './command';

export interface ProgressOptions {
  /** Raw writes to the terminal (no newline added). */
  readonly write: (text: string) => void;
  /** Bytes of all inputs together (files), or null when unknown (stdin). */
  readonly totalBytes: number | null;
  readonly now?: () => number;
  /** Nothing is shown before this: a short run stays quiet. */
  readonly quietMs?: number;
  /** Least time between two redraws. */
  readonly everyMs?: number;
}

const CLEAR = '\r\u001b[K';

const clock = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
};

export class Progress {
  private readonly now: () => number;
  private readonly started: number;
  private records = 0;
  private bytes = 0;
  private drawnAt = 0;
  private shown = false;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    this.started = this.now();
  }

  /** Bytes of the inputs read so far (as stored: compressed for .gz). */
  read(bytes: number): void {
    this.bytes += bytes;
    this.tick();
  }

  /** Records (items) decoded so far. */
  counted(records: number): void {
    this.records += records;
    this.tick();
  }

  /** The line as it stands now. */
  line(): string {
    const seconds = (this.now() - this.started) / 1000;
    const rate = seconds > 0 ? this.records / seconds : 0;
    const parts = [
      `${this.records.toLocaleString('en-US')} records`,
      `${Math.round(rate).toLocaleString('en-US')}/s`,
    ];
    const total = this.options.totalBytes;
    if (total && this.bytes > 0) {
      const share = Math.min(1, this.bytes / total);
      parts.push(`${Math.floor(share * 100)}%`, `ETA ${clock((seconds / share) * (1 - share))}`);
    }
    return `signins: ${parts.join(' · ')}`;
  }

  /** Clears the line (before other output, and at the end); the next tick draws it again. */
  clear(): void {
    if (!this.shown) return;
    this.options.write(CLEAR);
    this.shown = false;
  }

  /** Output and error lines go through here, so that they never land in the middle of the progress line. */
  wrap(io: Io): Io {
    return {
      out: (line) => {
        this.clear();
        io.out(line);
      },
      err: (line) => {
        this.clear();
        io.err(line);
      },
      drained: io.drained,
    };
  }

  private tick(): void {
    const now = this.now();
    if (now - this.started < (this.options.quietMs ?? 2000)) return;
    if (this.shown && now - this.drawnAt < (this.options.everyMs ?? 250)) return;
    this.drawnAt = now;
    this.shown = true;
    this.options.write(`${CLEAR}${this.line()}`);
  }
}

/** Progress on this process's stderr when it is a terminal; null otherwise. */
export const terminalProgress = (totalBytes: number | null): Progress | null =>
  process.stderr.isTTY ? new Progress({ write: (text) => process.stderr.write(text), totalBytes }) : null;
