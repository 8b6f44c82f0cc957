// Every message the simulator accepted, kept column-wise so a million-message benchmark stays within a few hundred MB.
import { randomBytes } from 'node:crypto';

/** One accepted outbound message as the control API reports it. */
export interface RecordedMessage {
  index: number;
  sid: string;
  to: string;
  from: string;
  body: string;
  idempotencyKey: string | null;
  /** Epoch milliseconds with sub-millisecond precision, from a monotonic clock. */
  receivedAt: number;
  statusCallback?: string;
  /** The send's ValidityPeriod (seconds), when it gave one. */
  validityPeriod?: number;
  /** The fault played on the send's answer, if any: lost ('drop') or given after the client's timeout ('late'). */
  answerFault?: AnswerFault;
  /** When the client says it handed the request over (X-Dispatched-At, epoch ms), if it said. */
  dispatchedAt?: number;
}

export type AnswerFault = 'drop' | 'late';

export type NewMessage = Omit<RecordedMessage, 'index' | 'sid'>;

/** MessageStatus is where a message is in the carrier's hands, as its status callbacks and the list report it. */
export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed';

/** MessageProgress is a message's current status, its error code, and when that last changed (epoch ms). */
export interface MessageProgress {
  status: MessageStatus;
  errorCode: number | null;
  updatedAt: number;
}

// Stored as small integers: a million strings would cost a pointer each for one of five values.
const STATUSES: readonly MessageStatus[] = ['queued', 'sent', 'delivered', 'undelivered', 'failed'];

// Senders and callback URLs repeat across messages; beyond this many distinct values interning stops paying.
const MAX_INTERNED = 10_000;

/**
 * MessageLog stores one array per field instead of one object per message, shares repeated strings, and derives
 * each sid from the message's index ('SM' + 24 random hex per log + 8 hex index) so sids need neither storage
 * nor a sid→message map. A new log (after a reset) gets a new prefix, so sids never repeat across resets.
 */
export class MessageLog {
  private readonly sidPrefix = `SM${randomBytes(12).toString('hex')}`;
  private readonly to: string[] = [];
  private readonly from: string[] = [];
  private readonly body: string[] = [];
  private readonly keys: (string | null)[] = [];
  private readonly receivedAt: number[] = [];
  private readonly callbacks: (string | undefined)[] = [];
  private readonly statuses: number[] = [];
  /** 0 when the message has no error code (Twilio's codes are five digits). */
  private readonly errorCodes: number[] = [];
  private readonly updatedAt: number[] = [];
  private readonly indexByKey = new Map<string, number>();
  // Few sends carry a ValidityPeriod: kept by index rather than as one more slot per message.
  private readonly validityPeriods = new Map<number, number>();
  private readonly answerFaults = new Map<number, AnswerFault>();
  // Only benchmarks' sends carry a dispatch time (CARRIER_DISPATCH_STAMP): kept by index as well.
  private readonly dispatchedAt = new Map<number, number>();
  // Built on the first look-up by To (a benchmark that never lists pays nothing), then kept up to date by append.
  private indexesByTo: Map<string, number | number[]> | undefined;
  private readonly interned = new Map<string, string>();

  /** size is the number of accepted messages. */
  get size(): number {
    return this.to.length;
  }

  /** append records an accepted message and returns its index. */
  append(message: NewMessage): number {
    const index = this.to.length;
    this.to.push(message.to);
    this.from.push(this.intern(message.from));
    this.body.push(message.body);
    this.keys.push(message.idempotencyKey);
    this.receivedAt.push(message.receivedAt);
    this.callbacks.push(message.statusCallback === undefined ? undefined : this.intern(message.statusCallback));
    this.statuses.push(0);
    this.errorCodes.push(0);
    this.updatedAt.push(message.receivedAt);
    if (message.validityPeriod !== undefined) this.validityPeriods.set(index, message.validityPeriod);
    if (message.dispatchedAt !== undefined) this.dispatchedAt.set(index, message.dispatchedAt);
    const key = message.idempotencyKey;
    // The first message sent under a key stays its original when later ones are accepted too (the key ignored).
    if (key !== null && !this.indexByKey.has(key)) this.indexByKey.set(key, index);
    if (this.indexesByTo) addToIndex(this.indexesByTo, message.to, index);
    return index;
  }

  /** get returns the message at index (0-based, in acceptance order). */
  get(index: number): RecordedMessage {
    const message: RecordedMessage = {
      index,
      sid: this.sidOf(index),
      to: this.to[index],
      from: this.from[index],
      body: this.body[index],
      idempotencyKey: this.keys[index],
      receivedAt: this.receivedAt[index],
    };
    const callback = this.callbacks[index];
    if (callback !== undefined) message.statusCallback = callback;
    const validityPeriod = this.validityPeriods.get(index);
    if (validityPeriod !== undefined) message.validityPeriod = validityPeriod;
    const answerFault = this.answerFaults.get(index);
    if (answerFault !== undefined) message.answerFault = answerFault;
    const dispatchedAt = this.dispatchedAt.get(index);
    if (dispatchedAt !== undefined) message.dispatchedAt = dispatchedAt;
    return message;
  }

  /** noteAnswerFault records that the answer to the send at index was lost or late (the chaos run reports it). */
  noteAnswerFault(index: number, fault: AnswerFault): void {
    this.answerFaults.set(index, fault);
  }

  /** progressOf is the current status of the message at index. */
  progressOf(index: number): MessageProgress {
    const errorCode = this.errorCodes[index];
    return { status: STATUSES[this.statuses[index]], errorCode: errorCode || null, updatedAt: this.updatedAt[index] };
  }

  /** setProgress records a new status of the message at index (what its latest status callback says). */
  setProgress(index: number, status: MessageStatus, errorCode: number | null, at: number): void {
    this.statuses[index] = STATUSES.indexOf(status);
    this.errorCodes[index] = errorCode ?? 0;
    this.updatedAt[index] = at;
  }

  /** indexesTo lists the indexes of the messages to a number, oldest first. */
  indexesTo(to: string): readonly number[] {
    if (!this.indexesByTo) {
      this.indexesByTo = new Map();
      for (let index = 0; index < this.size; index++) addToIndex(this.indexesByTo, this.to[index], index);
    }
    const indexes = this.indexesByTo.get(to);
    return indexes === undefined ? [] : typeof indexes === 'number' ? [indexes] : indexes;
  }

  /** page yields up to limit messages starting at index since, without materialising the rest. */
  *page(since: number, limit: number): Generator<RecordedMessage> {
    const end = Math.min(this.size, since + limit);
    for (let index = since; index < end; index++) yield this.get(index);
  }

  /** indexOfKey finds the message first accepted under an idempotency key. */
  indexOfKey(key: string): number | undefined {
    return this.indexByKey.get(key);
  }

  /** indexOfSid maps a sid issued by this log back to its index; foreign or unknown sids give undefined. */
  indexOfSid(sid: string): number | undefined {
    const suffix = sid.slice(this.sidPrefix.length);
    if (!sid.startsWith(this.sidPrefix) || !/^[0-9a-f]{8}$/.test(suffix)) return undefined;
    const index = Number.parseInt(suffix, 16);
    return index < this.size ? index : undefined;
  }

  /** sidOf is the sid of the message at index. */
  sidOf(index: number): string {
    return this.sidPrefix + index.toString(16).padStart(8, '0');
  }

  private intern(value: string): string {
    const shared = this.interned.get(value);
    if (shared !== undefined) return shared;
    if (this.interned.size < MAX_INTERNED) this.interned.set(value, value);
    return value;
  }
}

// Most numbers get one message: a bare index until a second one comes.
function addToIndex(indexesByTo: Map<string, number | number[]>, to: string, index: number): void {
  const indexes = indexesByTo.get(to);
  if (indexes === undefined) indexesByTo.set(to, index);
  else if (typeof indexes === 'number') indexesByTo.set(to, [indexes, index]);
  else indexes.push(index);
}
