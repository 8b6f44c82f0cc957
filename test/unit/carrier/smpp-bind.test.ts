// The bind against an SMSC that takes a connection and never answers its bind_transceiver, as jsmpp's simulator does
// while its one accept loop waits on another connection, or a balancer whose SMSC behind it is down.
import net from 'node:net';
import { SMPP_DEFAULTS } from '../../../src/carrier/carrier-settings';
import { SmppBind } from '../../../src/carrier/smpp/smpp-bind';
import { pdu, STATUS } from '../../../src/carrier/smpp/smpp-wire';
import { startSmsc, Smsc } from '../../../src/simulator/smpp-smsc';

// A port in front of the SMSC: the first `silent` connections are held open and never answered, the rest reach it.
async function silentFront(smsc: Smsc, silent: number) {
  const held: net.Socket[] = [];
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    if (held.length < silent) {
      held.push(socket);
      // Read and ignored, so its end is seen.
      socket.resume();
      return;
    }
    const upstream = net.connect(smsc.port, '127.0.0.1');
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    held,
    close: () => {
      held.forEach((socket) => socket.destroy());
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('an SMPP bind the SMSC leaves unanswered', () => {
  let smsc: Smsc;
  let front: Awaited<ReturnType<typeof silentFront>>;
  let bind: SmppBind | null = null;

  beforeEach(async () => {
    smsc = await startSmsc();
    front = await silentFront(smsc, 1);
  });
  afterEach(async () => {
    await bind?.close();
    await front.close();
    await smsc.close();
  });

  it('is given up after the bind timeout and made again on a new connection, which sends', async () => {
    bind = new SmppBind({
      carrierId: 'test',
      settings: { ...SMPP_DEFAULTS, host: '127.0.0.1', port: front.port, systemId: 'esme' },
      password: 'secret',
      onDeliver: async () => undefined,
      bindTimeoutMs: 300,
      // Ample for the timeout and a reconnect on a loaded machine; without the timeout the bind never comes.
      bindWaitMs: 30_000,
    });
    const answer = await bind.submit(
      pdu('submit_sm', { source_addr: '12025550100', destination_addr: '12025550101', short_message: 'hi' }),
    );
    expect(answer.command_status).toBe(STATUS.ESME_ROK);
    expect(front.held).toHaveLength(1);
    // The silent connection was closed by the adapter, not left open beside the new bind.
    expect(front.held[0].destroyed || front.held[0].readableEnded).toBe(true);
    expect(bind.binds).toBe(1);
    expect(smsc.binds).toBe(1);
  });
});
