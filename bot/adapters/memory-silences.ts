// The dry run's silences, in memory, changed as the DynamoDB store changes them: only on the version read.
import type { Silence } from '../core/silence-types';
import type { SilenceStore } from '../ports';
import { endedAt, FIXED_SILENCE_FIELDS, nextVersion } from './silence-versions';

export class MemorySilences implements SilenceStore {
  private readonly silences = new Map<string, Silence>();

  async createSilence(silence: Silence): Promise<boolean> {
    if (this.silences.has(silence.id)) return false;
    this.silences.set(silence.id, structuredClone(silence));
    return true;
  }

  async getSilence(id: string): Promise<Silence | null> {
    const s = this.silences.get(id);
    return s ? structuredClone(s) : null;
  }

  async listSilences(since: Date): Promise<Silence[]> {
    const sinceIso = since.toISOString();
    return [...this.silences.values()]
      .filter((s) => endedAt(s) >= sinceIso)
      .map((s) => structuredClone(s))
      .sort((a, b) =>
        a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1,
      );
  }

  async updateSilence(id: string, change: Partial<Silence>, expected: Silence): Promise<boolean> {
    const current = this.silences.get(id);
    if (!current || current.updatedAt !== expected.updatedAt) return false;
    const next: Record<string, unknown> = { ...current };
    for (const [field, value] of Object.entries(change)) {
      if (FIXED_SILENCE_FIELDS.has(field)) continue;
      if (value === undefined) delete next[field];
      else next[field] = structuredClone(value);
    }
    next.updatedAt = nextVersion(change.updatedAt, expected.updatedAt);
    this.silences.set(id, next as unknown as Silence);
    return true;
  }

  /** Adds to what a silence held back; nothing when the silence is gone. Not a change of its version. */
  addHeld(id: string, n: number): void {
    const s = this.silences.get(id);
    if (s) this.silences.set(id, { ...s, held: s.held + n });
  }
}
