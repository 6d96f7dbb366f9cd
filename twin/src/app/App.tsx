import { useEffect, useState } from 'react';
import { session, type SessionUser } from './api.ts';
import { ControlRoom } from './ControlRoom.tsx';
import { live } from './live.ts';
import { Login } from './Login.tsx';
import { NotFound } from './NotFound.tsx';
import { pageFor } from './routes.ts';
import { useLocation } from 'wouter';

/** Unknown paths get the not-found page; `/` is login until there is a token in this tab's session, then the control room. */
export function App() {
  const [location] = useLocation();
  const [user, setUser] = useState<SessionUser | null>(() => (session.token ? session.user : null));
  const [expired, setExpired] = useState(false);

  useEffect(() => session.onUnauthorized(() => {
    live.close();
    session.clear();
    setExpired(true);
    setUser(null);
  }), []);

  const logout = () => {
    live.close();
    session.clear();
    setExpired(false);
    setUser(null);
  };

  if (pageFor(location) === 'notFound') return <NotFound path={location} />;
  if (!user) return <Login expired={expired} onLogin={(u) => { setExpired(false); setUser(u); }} />;
  return <ControlRoom user={user} onLogout={logout} />;
}
