// The opaque ids result buttons carry. A button's payload names no generation, user or price: only an id that
// stands for (video, action[, style]) here, looked up and checked against the presser on every press.
import crypto from 'node:crypto';
import type { ResultAction } from './types.ts';

export interface ActionToken {
  id: string;
  generationId: string;
  userId: string;
  action: ResultAction;
  /** The style a "🎨 Style" choice picked; '' for every other button. */
  style: string;
}

/** Persistence of the ids (infra/db/action-tokens-repo.ts). */
export interface ActionTokenStore {
  /** The id of (generation, action, style): the same one every time it is asked for (a resent message keeps its buttons). */
  issue(t: Omit<ActionToken, 'id'>, newId: string): Promise<string>;
  find(id: string): Promise<ActionToken | null>;
}

/** 12 random bytes: 16 base64url characters, inside Telegram's 64-byte callback_data and start parameter alphabet. */
export const newActionId = () => crypto.randomBytes(12).toString('base64url');
export const ACTION_ID = /^[A-Za-z0-9_-]{16}$/;

export const issueToken = (store: ActionTokenStore, t: Omit<ActionToken, 'id'>) => store.issue(t, newActionId());
