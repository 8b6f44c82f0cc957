import { foldConversationFigures } from '../db/conversation-figures';
import { figuresToFold, UnitToFold } from '../db/figure-backlog';
import { compactFigures } from '../db/message-figures';
import type { Db } from '../db/schema';
import { PeriodicPass, startPeriodicPass } from '../periodic-pass';

// The figures' triggers only ever insert (migrations 2026-12-03T20-00-reports and T21-00-conversation-figures):
// folding what they wrote is the folder's job, on a timer, never a report's: a report after a bulk load or a quiet
// spell reads what is not folded yet beside the folded rows instead of folding the whole backlog first. Every API
// process runs one; a business unit's figures lock (PostgreSQL advisory, per transaction) makes one of them the
// owner of each fold, and the others skip it. A fold is a chunk of rows per transaction: none holds the lock long.

/** FOLD_CHUNK is how many figure rows one fold transaction takes at most. */
export const FOLD_CHUNK = 50_000;

const never = () => false;

/**
 * foldUnitFigures folds a business unit's message and conversation figures, chunk after chunk, until none are left
 * (or `stopping` says to stop between two chunks).
 */
export async function foldUnitFigures(db: Db, unit: UnitToFold, stopping = never): Promise<void> {
  let folded = FOLD_CHUNK;
  while (folded === FOLD_CHUNK && !stopping())
    folded = await compactFigures(db, unit.businessUnitId, unit.timeZone, FOLD_CHUNK);
  folded = FOLD_CHUNK;
  while (folded === FOLD_CHUNK && !stopping())
    folded = await foldConversationFigures(db, unit.businessUnitId, FOLD_CHUNK);
}

/** foldAllFigures folds every business unit's figures that wait to be folded. */
export async function foldAllFigures(db: Db, stopping = never): Promise<void> {
  for (const unit of await figuresToFold(db)) if (!stopping()) await foldUnitFigures(db, unit, stopping);
}

/** FiguresFolder is the running timer; stop() waits for the fold in progress. */
export type FiguresFolder = PeriodicPass;

/** startFiguresFolder folds every business unit's figures every `intervalMs` (a pass still running is not stacked). */
export function startFiguresFolder(db: Db, intervalMs: number): FiguresFolder {
  return startPeriodicPass('figures fold', intervalMs, (stopping) => foldAllFigures(db, stopping));
}
