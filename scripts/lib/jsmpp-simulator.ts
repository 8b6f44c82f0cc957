// jsmpp's SMSC simulator (org.jsmpp.examples.SMPPServerSimulator, fetched into the cache folder by scripts/setup.sh):
// an SMSC nobody here wrote. It binds system_id "j" with password "jpwd" (its defaults, read from the class), answers
// submit_sm with a random hex message_id and sends a delivery receipt a second later whose id is that number in
// decimal, the way many real SMSCs mix the two.
// It takes one connection at a time: its accept loop waits (up to 30 s) for that connection's bind, then sends it a
// deliver_sm and waits for the answer, before it accepts the next. A connection that sends no bind (a bare TCP
// readiness probe) holds every bind behind it for those 30 s.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectSmpp, pdu, Pdu, STATUS } from '../../src/carrier/smpp/smpp-wire';
import { ManagedProcess, startProcess, stopProcess } from './child-process';
import { freePort, waitFor } from './free-port';

/** JSMPP_VERSION is the org.jsmpp:jsmpp-examples version setup.sh fetches. */
export const JSMPP_VERSION = '3.0.0';
/** The simulator's credentials (SMPPServerSimulator's DEFAULT_SYSID and DEFAULT_PASSWORD). */
export const JSMPP_SYSTEM_ID = 'j';
export const JSMPP_PASSWORD = 'jpwd';

/** jsmppJarFolder is where setup.sh puts the simulator's jars; throws saying how to get them when they are absent. */
export function jsmppJarFolder(): string {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const folder = path.join(cache, 'proactive-sms', `jsmpp-${JSMPP_VERSION}`);
  if (!fs.existsSync(path.join(folder, `jsmpp-examples-${JSMPP_VERSION}.jar`)))
    throw new Error(
      `jsmpp's SMSC simulator is not in ${folder}: run \`bash scripts/setup.sh\` (it needs java and mvn)`,
    );
  return folder;
}

/** JsmppSimulator is a running simulator on its port; stop it (as a crash would) and start it again on the same port. */
export interface JsmppSimulator {
  port: number;
  start(): Promise<void>;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

// What the simulator logs when its accept loop has ended (an IOException it does not catch, such as its greeting to a
// session that has gone): from then on it refuses every connection while its process lives on.
const ACCEPT_LOOP_ENDED = 'IO error occurred';

/**
 * startJsmppSimulator starts the simulator on a free port and waits until it answers a bind. A simulator whose accept
 * loop has ended is restarted on its port, as its operator would: an ESME that leaves right after its bind (in the
 * test suite, any test's worker that stops then, since every worker binds every SMPP carrier in the shared database)
 * would otherwise leave it refusing every later bind.
 */
export async function startJsmppSimulator(options: { showOutput?: boolean } = {}): Promise<JsmppSimulator> {
  const folder = jsmppJarFolder();
  const port = await freePort();
  let proc: ManagedProcess | null = null;
  let reviving: Promise<void> | null = null;

  async function launch(): Promise<void> {
    const started = startProcess(
      'smsc',
      'java',
      [
        `-Djsmpp.simulator.port=${port}`,
        // Its jar's simplelogger.properties logs org.jsmpp at trace: every PDU, more CPU than the SMSC itself.
        '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
        '-Dorg.slf4j.simpleLogger.log.org.jsmpp=warn',
        '-Xmx128m',
        '-cp',
        `${folder}/*`,
        'org.jsmpp.examples.SMPPServerSimulator',
      ],
      { showOutput: options.showOutput ?? false },
    );
    proc = started;
    started.child.stderr?.on('data', (chunk: Buffer) => {
      if (proc !== started || reviving || !chunk.toString().includes(ACCEPT_LOOP_ENDED)) return;
      process.stderr.write(`[smsc] its accept loop ended (${ACCEPT_LOOP_ENDED}): restarted on port ${port}\n`);
      reviving = terminate()
        .then(launch)
        .catch((error: unknown) => void process.stderr.write(`[smsc] could not restart: ${String(error)}\n`))
        .finally(() => (reviving = null));
    });
    await waitFor(
      `the SMSC simulator on port ${port}`,
      () => answersBind(port),
      60_000,
      () => (started.child.exitCode !== null ? 'it exited' : null),
    );
  }

  async function terminate(): Promise<void> {
    const running = proc;
    proc = null;
    if (running) await stopProcess(running, 'SIGKILL');
  }

  const simulator: JsmppSimulator = {
    port,
    start: launch,
    async kill() {
      await reviving;
      await terminate();
    },
    // Nothing to flush: SIGKILL, as Java's exit code 143 on SIGTERM would have its log printed as a failure.
    async stop() {
      await simulator.kill();
    },
  };
  await simulator.start();
  return simulator;
}

// Ready is answering a bind, asked as an ESME would: a probe that only opened a TCP connection would hold the
// simulator's accept loop, and so the first binds after every start, for 30 s. The probe leaves only once its greeting
// is answered: a session gone before the simulator's greeting ends its accept loop (an IOException it does not catch),
// and it refuses every connection from then on.
function answersBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const session = connectSmpp('127.0.0.1', port);
    let settled = false;
    const done = (ready: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(unanswered);
      resolve(ready);
    };
    const unanswered = setTimeout(() => {
      done(false);
      session.destroy();
    }, 10_000);
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      session.send(pdu('unbind'));
      setTimeout(() => session.destroy(), 2000).unref();
    };
    session.on('error', () => done(false));
    session.on('close', () => done(false));
    session.on('deliver_sm', (greeting: Pdu) => {
      session.send(greeting.response());
      leave();
    });
    session.on('connect', () =>
      session.send(
        pdu('bind_transceiver', { system_id: JSMPP_SYSTEM_ID, password: JSMPP_PASSWORD, interface_version: 0x34 }),
        (answer: Pdu) => {
          const bound = answer.command_status === STATUS.ESME_ROK;
          done(bound);
          // No greeting: the simulator gave up waiting for its answer (2 s) long before this.
          if (bound) setTimeout(leave, 10_000).unref();
          else session.destroy();
        },
      ),
    );
  });
}
