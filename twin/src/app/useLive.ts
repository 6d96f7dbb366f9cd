import { useSyncExternalStore } from 'react';
import { live } from './live.ts';

/** The live connection's state (status, snapshot, running units, recent events). */
export function useLive() {
  return useSyncExternalStore(live.subscribe, live.getSnapshot);
}
