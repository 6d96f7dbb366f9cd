/**
 * The app's client routes. Only the control room exists so far; dashboards, the scenario planner and the PDA
 * pages come in later issues, so `/dashboard`, `/planner`, `/pda` are not found until then (never silently
 * the control room). The server answers index.html for any such path; this table decides what it shows.
 */
export type Page = 'controlRoom' | 'notFound';

/** Path → page. Exact paths (a trailing slash is tolerated); everything else is not found. */
const ROUTES: Readonly<Record<string, Page>> = {
  '/': 'controlRoom',
  '/index.html': 'controlRoom',
};

/** The page for a location pathname (no query or hash). */
export function pageFor(pathname: string): Page {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') || '/' : pathname || '/';
  return ROUTES[path] ?? 'notFound';
}

/** Where the not-found page links to. */
export const CONTROL_ROOM_PATH = '/';
