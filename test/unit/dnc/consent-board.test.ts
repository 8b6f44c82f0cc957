import { BoardReader, BoardWriter, createBoardBuffers } from '../../../src/dnc/consent-board';

// The memory a worker's sending thread shares with its consent listener thread (both sides on one thread here).

const unit = '7f1c9b1e-1111-4222-8333-944455556666';

describe('the consent board', () => {
  it('hands the sending side every notice written, once, in order', () => {
    const buffers = createBoardBuffers();
    const writer = new BoardWriter(buffers);
    const reader = new BoardReader(buffers);
    writer.write({ businessUnitId: unit, phone: '+14155550101', kind: 'opt_out' });
    writer.write({ businessUnitId: unit, phone: '+14155550102', kind: 'opt_in' });
    expect(reader.newNotices()).toEqual([
      { businessUnitId: unit, phone: '+14155550101', kind: 'opt_out' },
      { businessUnitId: unit, phone: '+14155550102', kind: 'opt_in' },
    ]);
    expect(reader.newNotices()).toEqual([]);
  });

  it('says notices were lost when the sending side fell a whole board behind, or one did not fit', () => {
    const buffers = createBoardBuffers();
    const writer = new BoardWriter(buffers);
    const reader = new BoardReader(buffers);
    for (let i = 0; i < 40_000; i++) writer.write({ businessUnitId: unit, phone: `+1415555${i}`, kind: 'opt_out' });
    expect(reader.newNotices()).toBe('lost');
    expect(reader.newNotices()).toEqual([]);
    writer.write({ businessUnitId: unit.repeat(4), phone: '+14155550101', kind: 'opt_out' });
    expect(reader.newNotices()).toBe('lost');
  });

  it('shows the listener the passes held for a contact, and when each is given back', () => {
    const buffers = createBoardBuffers();
    const writer = new BoardWriter(buffers);
    const reader = new BoardReader(buffers);
    const first = reader.takePass('+14155550101');
    reader.takePass('+14155550102');
    const marks = writer.passesOf('+14155550101');
    expect(marks).toHaveLength(1);
    expect(writer.isReleased(marks[0])).toBe(false);
    reader.releasePass(first);
    expect(writer.isReleased(marks[0])).toBe(true);
    // The slot taken again by another send is not the pass the listener waited for.
    reader.takePass('+14155550101');
    expect(writer.isReleased(marks[0])).toBe(true);
  });

  it('tells the sending side since when the listener hears everything', () => {
    const buffers = createBoardBuffers();
    const writer = new BoardWriter(buffers);
    const reader = new BoardReader(buffers);
    expect(reader.listeningSince()).toBeNull();
    writer.setListening(1_700_000_000_000);
    expect(reader.listeningSince()).toBe(1_700_000_000_000);
    reader.forgetListening();
    expect(reader.listeningSince()).toBeNull();
  });
});
