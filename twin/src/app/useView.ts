import { useSyncExternalStore } from 'react';
import { view } from './view.ts';

/** The control room's view state (selection, highlight, zone filter, route). */
export function useView() {
  return useSyncExternalStore(view.subscribe, view.getSnapshot);
}
