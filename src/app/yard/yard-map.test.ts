import { describe, expect, it } from 'vitest';
import { yardBoxState, yardBoxStates } from './yard-map.usecases.js';

describe('the state a box shows on the yard map', () => {
  const freeze = { reason: 'suspect', by: 'sup-a', at: '2030-01-01T00:00:00.000Z', alertId: null };

  it('lists the states least urgent first, so a stack shows the highest index of its tiers', () => {
    expect(yardBoxStates).toEqual(['in_yard', 'released', 'held', 'frozen', 'alert']);
  });

  it.each([
    ['nothing pending', {}, undefined, 'in_yard'],
    ['a right held by a haulier', {}, { released: true, openAlerts: 0 }, 'released'],
    ['a hold, over a release', { onHold: true }, { released: true, openAlerts: 0 }, 'held'],
    ['a freeze, over a hold', { onHold: true, frozen: freeze }, { released: true, openAlerts: 0 }, 'frozen'],
    [
      'an open alert, over everything',
      { onHold: true, frozen: freeze },
      { released: true, openAlerts: 2 },
      'alert',
    ],
    [
      'no freeze recorded (null)',
      { onHold: false, frozen: null },
      { released: false, openAlerts: 0 },
      'in_yard',
    ],
  ] as const)('%s', (_, view, flags, expected) => {
    expect(yardBoxState(view, flags)).toBe(expected);
  });
});
