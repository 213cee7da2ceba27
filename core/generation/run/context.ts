// What every run step is handed and answers: the run's deps and job context in, the next state and the row out.
import type { GenerationDeps } from '../deps.ts';
import type { GenerationRow, GenerationStatus } from '../types.ts';

/** One run of a generation: its deps, the job's abort signal (shutdown) and the job lock's keep-alive. */
export interface Run {
  d: GenerationDeps;
  signal: AbortSignal;
  touch: () => Promise<void>;
}

/** Where a run ends for now: nothing left to do here, or to be run again later. */
export type Stop = 'done' | 'retry_later';

/**
 * The states of a run (states.ts): each row status, and the phases of a running row. Only the row is stored, so a
 * resumed run starts from its status (entryState) and finds its phase again from what the row holds.
 */
export type RunState =
  | GenerationStatus
  | 'asking_consent'
  | 'submitting'
  | 'polling'
  | 'storing_base'
  | 'storing'
  | 'failover'
  | 'unstyled'
  | 'demo';

/** A step's answer: the next state and the row as the step left it, plus what is not stored (yet). */
export interface Move {
  to: RunState | Stop;
  gen: GenerationRow;
  /** The provider's finished video (polling → storing). */
  videoUrl?: string;
  /** Why the current route step is left (→ failover, unstyled): its failed attempt's code. */
  reason?: string;
  /** When this provider attempt began (performance.now()), for its duration metric. */
  began?: number;
}

/** One state's work: given the move that led here, it acts and says where to go next. */
export type Step = (run: Run, arrived: Move) => Promise<Move>;
