// Every path of a run, from its row's status to done (finished, or stopped until an answer) or retry_later.
// drive.ts runs it: the current state's step, then only a move listed under `next`. A resumed run enters at its
// row's status (entryState); the provider job id stored at submit sends it to polling, never to a new submit.
import type { RunTable } from './drive.ts';
import { askConsent } from './ask-consent.ts';
import { storeBaseClip } from './base-clip.ts';
import { renderDemo } from './demo.ts';
import { failover } from './failover.ts';
import { awaitAnswer, finish } from './finished.ts';
import { pick } from './pick.ts';
import { poll } from './poll.ts';
import { storeVideo } from './succeed.ts';
import { submit } from './submit.ts';
import { deliverBaseClip } from './unstyled.ts';

const QUEUED = ['queued'] as const;
const RUNNING = ['running'] as const;
const OPEN_ROW = ['queued', 'running'] as const;
/** queued and running share the step: a queued row is started just before its first submit. */
const PICK_NEXT = [
  'submitting',
  'polling',
  'failover',
  'asking_consent',
  'unstyled',
  'failed',
  'canceled',
  'retry_later',
  'done',
] as const;

// biome-ignore format: one state per two lines is the point of this table
export const RUN_STATES: RunTable = {
  // state          row status in            step
  queued:           { row: QUEUED,           step: pick,
                      next: PICK_NEXT },
  running:          { row: RUNNING,          step: pick,
                      next: PICK_NEXT },
  submitting:       { row: RUNNING,          step: submit,
                      next: ['polling', 'failover', 'unstyled', 'failed', 'done'] },
  polling:          { row: RUNNING,          step: poll,
                      next: ['storing', 'storing_base', 'failover', 'unstyled', 'failed', 'canceled', 'done'] },
  storing_base:     { row: RUNNING,          step: storeBaseClip,
                      next: ['running', 'done'] },
  storing:          { row: RUNNING,          step: storeVideo,
                      next: ['succeeded', 'done'] },
  failover:         { row: OPEN_ROW,         step: failover,
                      next: ['queued', 'running'] },
  unstyled:         { row: OPEN_ROW,         step: deliverBaseClip,
                      next: ['succeeded', 'done'] },
  asking_consent:   { row: OPEN_ROW,         step: askConsent,
                      next: ['awaiting_consent', 'done'] },
  demo:             { row: OPEN_ROW,         step: renderDemo,
                      next: ['succeeded', 'failed', 'done'] },
  awaiting_consent: { row: ['awaiting_consent'], step: awaitAnswer,
                      next: ['done'] },
  succeeded:        { row: ['succeeded'],    step: finish,
                      next: ['done'] },
  failed:           { row: ['failed'],       step: finish,
                      next: ['done'] },
  canceled:         { row: ['canceled'],     step: finish,
                      next: ['done'] },
  refused:          { row: ['refused'],      step: finish,
                      next: ['done'] },
};
