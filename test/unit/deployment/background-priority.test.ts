import os from 'node:os';
import { BACKGROUND_NICE, startProcess } from '../../../scripts/lib/child-process';

// The launchers run the workers and the Temporal dev server at background priority; every thread of the child must
// have it (Node's and Go's helper threads included), which setpriority() on the pid after spawn would not give.
const niceOfEveryThread = `
  const fs = require('node:fs');
  const nices = fs.readdirSync('/proc/self/task').map((t) => {
    const stat = fs.readFileSync('/proc/self/task/' + t + '/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
  process.stdout.write(JSON.stringify(nices));
`;

async function nicesOf(background: boolean): Promise<number[]> {
  const proc = startProcess('probe', process.execPath, ['-e', niceOfEveryThread], { background });
  let out = '';
  proc.child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  expect(await proc.exited).toBe(0);
  return JSON.parse(out) as number[];
}

const linux = process.platform === 'linux' ? describe : describe.skip;

linux('background processes', () => {
  it("run every thread BACKGROUND_NICE below the launcher's priority, and the others at it", async () => {
    const own = os.getPriority();
    const background = await nicesOf(true);
    expect(background.length).toBeGreaterThan(1);
    expect(new Set(background)).toEqual(new Set([Math.min(19, own + BACKGROUND_NICE)]));
    expect(new Set(await nicesOf(false))).toEqual(new Set([own]));
  });
});
