// The run's driver: looks up the current state's step in the table, runs it, refuses a move the table does not
// declare, and repeats until the run stops (done or retry_later).
import type { GenerationRow, GenerationStatus } from '../types.ts';
import { TERMINAL } from '../types.ts';
import type { Move, Run, RunState, Step, Stop } from './context.ts';

export interface StateEntry {
  /** The row statuses this state runs in (checked by tests/generation/run-states.test.ts). */
  row: readonly GenerationStatus[];
  step: Step;
  /** Every state (or stop) the step may move to. */
  next: readonly (RunState | Stop)[];
}
export type RunTable = Record<RunState, StateEntry>;

export class UndeclaredTransition extends Error {
  constructor(
    readonly from: RunState,
    readonly to: string,
  ) {
    super(`run state ${from} may not move to ${to}`);
    this.name = 'UndeclaredTransition';
  }
}

/** Where a run of this row starts: its status, or the demo's own path while a demo is open. */
export function entryState(gen: GenerationRow): RunState {
  if ((TERMINAL as readonly string[]).includes(gen.status) || gen.status === 'awaiting_consent') return gen.status;
  return gen.kind === 'demo' ? 'demo' : gen.status;
}

export async function drive(table: RunTable, run: Run, gen: GenerationRow): Promise<Stop> {
  let at = entryState(gen);
  let arrived: Move = { to: at, gen };
  for (;;) {
    const move = await table[at].step(run, arrived);
    if (!table[at].next.includes(move.to)) throw new UndeclaredTransition(at, move.to);
    if (move.to === 'done' || move.to === 'retry_later') return move.to;
    at = move.to;
    arrived = move;
  }
}
