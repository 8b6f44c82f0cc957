// jsmpp's SMSC simulator (org.jsmpp.examples.SMPPServerSimulator, fetched into the cache folder by scripts/setup.sh):
// an SMSC nobody here wrote. It binds system_id "j" with password "jpwd" (its defaults, read from the class), answers
// submit_sm with a random hex message_id and sends a delivery receipt a second later whose id is that number in
// decimal, the way many real SMSCs mix the two.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
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

/** startJsmppSimulator starts the simulator on a free port and waits until it accepts connections. */
export async function startJsmppSimulator(options: { showOutput?: boolean } = {}): Promise<JsmppSimulator> {
  const folder = jsmppJarFolder();
  const port = await freePort();
  let proc: ManagedProcess | null = null;
  const simulator: JsmppSimulator = {
    port,
    async start() {
      proc = startProcess(
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
      const started = proc;
      await waitFor(
        `the SMSC simulator on port ${port}`,
        () => canConnect(port),
        60_000,
        () => (started.child.exitCode !== null ? 'it exited' : null),
      );
    },
    async kill() {
      if (proc) await stopProcess(proc, 'SIGKILL');
      proc = null;
    },
    // Nothing to flush: SIGKILL, as Java's exit code 143 on SIGTERM would have its log printed as a failure.
    async stop() {
      await simulator.kill();
    },
  };
  await simulator.start();
  return simulator;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
