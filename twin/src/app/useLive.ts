import { useSyncExternalStore } from 'react';
import { live } from './live.ts';

/** The live connection's state (status, snapshot, layout, running units, stream position). */
export function useLive() {
  return useSyncExternalStore(live.subscribe, live.getSnapshot);
}
