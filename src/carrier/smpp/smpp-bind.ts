// One transceiver bind to an SMSC, kept up: bound again with backoff after a drop or a refusal, kept alive with
// enquire_link, and a window of outstanding submit_sm (the SMSC's own limit; more would be refused or dropped).
import { log } from '../../log';
import type { SmppCarrierSettings } from '../carrier-settings';
import { connectSmpp, pdu, Pdu, SmppSession, STATUS, statusName } from './smpp-wire';

/** SubmitFailure says why a submit_sm has no response: never written (safe to send again) or written (in doubt). */
export class SubmitFailure extends Error {
  constructor(
    message: string,
    readonly written: boolean,
    /** The SMSC's bind refusal, when the bind is what keeps the submit from going (ESME_RINVPASWD…). */
    readonly bindStatus: number | null = null,
  ) {
    super(message);
  }
}

/** SmppBindOptions are an SMSC's settings, its password and where the SMSC's deliver_sm go. */
export interface SmppBindOptions {
  carrierId: string;
  settings: SmppCarrierSettings;
  password: string;
  /** Called for each deliver_sm and data_sm; the SMSC gets its response once this resolves (a retry if it rejects). */
  onDeliver(pdu: Pdu): Promise<void>;
  /** How long a submit_sm waits for its response before it is in doubt; default 30 s. */
  responseTimeoutMs?: number;
  /** How long a send waits for a bind before it is refused as unavailable; default 5 s. */
  bindWaitMs?: number;
  /** How long a bind_transceiver waits for its response before the connection is dropped and made again; 30 s. */
  bindTimeoutMs?: number;
}

const BACKOFF_START_MS = 250;
const BACKOFF_MAX_MS = 10_000;

/** SmppBind is the bind's handle: submit through it, close it. */
export class SmppBind {
  private session: SmppSession | null = null;
  private bound = false;
  private closed = false;
  private backoffMs = BACKOFF_START_MS;
  private lastBindStatus: number | null = null;
  private lastError = 'not bound yet';
  private outstanding = new Map<number, { reject(failure: SubmitFailure): void }>();
  private windowWaiters: (() => void)[] = [];
  private bindWaiters: (() => void)[] = [];
  private reconnectTimer: NodeJS.Timeout | null = null;
  private keepAlive: NodeJS.Timeout | null = null;
  private pausedUntil = 0;
  /** How many times the bind was made (a test watches a rebind happen). */
  binds = 0;

  constructor(private readonly options: SmppBindOptions) {
    this.connect();
  }

  private get windowSize(): number {
    return this.options.settings.windowSize;
  }

  private connect(): void {
    if (this.closed) return;
    const { host, port } = this.options.settings;
    const session = connectSmpp(host, port);
    this.session = session;
    session.on('connect', () => this.bind(session));
    session.on('error', (error: Error) => {
      this.lastError = `SMSC connection failed: ${error.message}`;
    });
    session.on('close', () => this.dropped(session));
    session.on('deliver_sm', (delivered: Pdu) => this.deliver(session, delivered));
    session.on('data_sm', (delivered: Pdu) => this.deliver(session, delivered));
    session.on('enquire_link', (asked: Pdu) => session.send(asked.response()));
    session.on('unbind', (asked: Pdu) => {
      // The SMSC ends the bind (maintenance, a restart): answer, then bind again.
      session.send(asked.response());
      this.lastError = 'the SMSC unbound';
      session.close();
    });
  }

  private bind(session: SmppSession): void {
    const { systemId, systemType } = this.options.settings;
    const request = pdu('bind_transceiver', {
      system_id: systemId,
      password: this.options.password,
      system_type: systemType,
      interface_version: 0x34,
    });
    // An SMSC (or whatever holds the port) that took the connection but never answers the bind would otherwise keep
    // the carrier unbound for good: nothing else runs on an unbound connection (no enquire_link, no submit).
    const timeoutMs = this.options.bindTimeoutMs ?? 30_000;
    const unanswered = setTimeout(() => {
      if (session !== this.session) return;
      this.lastError = `the SMSC did not answer the bind within ${timeoutMs} ms`;
      log.warn({ carrierId: this.options.carrierId, timeoutMs }, 'SMPP bind unanswered: connecting again');
      session.destroy();
    }, timeoutMs);
    unanswered.unref();
    session.on('close', () => clearTimeout(unanswered));
    session.send(request, (answer: Pdu) => {
      clearTimeout(unanswered);
      if (session !== this.session) return;
      if (answer.command_status !== STATUS.ESME_ROK) {
        this.lastBindStatus = answer.command_status;
        this.lastError = `the SMSC refused the bind: ${statusName(answer.command_status)}`;
        log.warn({ carrierId: this.options.carrierId, status: statusName(answer.command_status) }, 'SMPP bind refused');
        session.destroy();
        return;
      }
      this.bound = true;
      this.binds += 1;
      this.lastBindStatus = null;
      this.backoffMs = BACKOFF_START_MS;
      log.info({ carrierId: this.options.carrierId, binds: this.binds }, 'SMPP bound (transceiver)');
      this.startKeepAlive(session);
      this.bindWaiters.splice(0).forEach((wake) => wake());
    });
  }

  private startKeepAlive(session: SmppSession): void {
    const periodMs = this.options.settings.enquireLinkSeconds * 1000;
    this.keepAlive = setInterval(() => {
      let answered = false;
      session.send(pdu('enquire_link'), () => {
        answered = true;
      });
      // No answer within a period: the link is dead even if TCP has not noticed.
      setTimeout(() => {
        if (!answered && session === this.session) session.destroy();
      }, periodMs).unref();
    }, periodMs);
    this.keepAlive.unref();
  }

  private dropped(session: SmppSession): void {
    if (session !== this.session) return;
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = null;
    const wasBound = this.bound;
    this.bound = false;
    this.session = null;
    if (wasBound) log.warn({ carrierId: this.options.carrierId, reason: this.lastError }, 'SMPP bind dropped');
    // Written with no response: the SMSC may have taken them (SMPP cannot be asked which).
    for (const [, waiting] of this.outstanding)
      waiting.reject(new SubmitFailure('the bind dropped before the submit_sm_resp', true));
    this.outstanding.clear();
    this.windowWaiters.splice(0).forEach((wake) => wake());
    if (this.closed) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(BACKOFF_MAX_MS, this.backoffMs * 2);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private deliver(session: SmppSession, delivered: Pdu): void {
    this.options.onDeliver(delivered).then(
      () => session.send(delivered.response()),
      (error: unknown) => {
        log.warn({ carrierId: this.options.carrierId, err: String(error) }, 'deliver_sm not stored: the SMSC retries');
        session.send(delivered.response({ command_status: STATUS.ESME_RX_T_APPN }));
      },
    );
  }

  /** pause holds every submit for a while (the SMSC said it is throttling us or its queue is full). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
  }

  private async ready(): Promise<SmppSession> {
    const deadline = Date.now() + (this.options.bindWaitMs ?? 5000);
    for (;;) {
      if (this.closed) throw new SubmitFailure('the SMPP carrier is closed', false);
      const wait = this.pausedUntil - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (this.bound && this.session && this.outstanding.size < this.windowSize) return this.session;
      const left = deadline - Date.now();
      if (left <= 0) throw new SubmitFailure(`SMSC unavailable: ${this.lastError}`, false, this.lastBindStatus);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        (this.bound ? this.windowWaiters : this.bindWaiters).push(wake);
      });
    }
  }

  /** submit sends one PDU once the bind has room in its window and resolves with the SMSC's response. */
  async submit(command: Pdu): Promise<Pdu> {
    const session = await this.ready();
    return new Promise<Pdu>((resolve, reject) => {
      let timer: NodeJS.Timeout | null = null;
      const finish = () => {
        if (timer) clearTimeout(timer);
        this.outstanding.delete(command.sequence_number);
        this.windowWaiters.shift()?.();
      };
      const written = session.send(command, (answer: Pdu) => {
        finish();
        resolve(answer);
      });
      if (!written) {
        this.windowWaiters.shift()?.();
        reject(new SubmitFailure('the SMPP connection is not writable', false));
        return;
      }
      this.outstanding.set(command.sequence_number, {
        reject: (failure) => {
          finish();
          reject(failure);
        },
      });
      timer = setTimeout(() => {
        finish();
        reject(new SubmitFailure(`no submit_sm_resp within ${this.options.responseTimeoutMs ?? 30_000} ms`, true));
      }, this.options.responseTimeoutMs ?? 30_000);
    });
  }

  /** close unbinds and stops binding again. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.bindWaiters.splice(0).forEach((wake) => wake());
    const session = this.session;
    if (!session) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        session.destroy();
        resolve();
      }, 1000);
      const sent =
        this.bound &&
        session.send(pdu('unbind'), () => {
          clearTimeout(timer);
          session.close();
          resolve();
        });
      if (!sent) {
        clearTimeout(timer);
        session.destroy();
        resolve();
      }
    });
  }
}
