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
}

export type NewMessage = Omit<RecordedMessage, 'index' | 'sid'>;

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
  private readonly indexByKey = new Map<string, number>();
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
    if (message.idempotencyKey !== null) this.indexByKey.set(message.idempotencyKey, index);
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
    return message;
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
