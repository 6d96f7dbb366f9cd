import { useState, type FormEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api, ApiError, session, type SessionUser } from './api.ts';
import { CardBrand, CardFooter } from './CardPage.tsx';

/** A readable message for a failed request: the problem's detail, or what went wrong on the way. */
export function errorText(t: TFunction, error: unknown): string {
  if (error instanceof ApiError && error.status === 0) return t('errors.network', { message: error.message });
  if (error instanceof Error && error.message) return error.message;
  return t('errors.http', { status: error instanceof ApiError ? error.status : '?' });
}

export function Login({ expired, onLogin }: { expired: boolean; onLogin: (user: SessionUser) => void }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!username.trim() || !password) {
      setError(t('login.required'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { token, user } = await api.login(username.trim(), password);
      session.save(token, user);
      onLogin(user);
    } catch (e) {
      setError(t('login.failed', { detail: errorText(t, e) }));
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <form className="login-card" onSubmit={submit} noValidate>
        <CardBrand />
        <p className="login-tagline">{t('app.tagline')}</p>
        <h1>{t('login.title')}</h1>
        {expired && !error && <p className="notice" role="status">{t('login.expired')}</p>}
        <label>
          <span>{t('login.username')}</span>
          <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" autoFocus
            disabled={busy} />
        </label>
        <label>
          <span>{t('login.password')}</span>
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)}
            autoComplete="current-password" disabled={busy} />
        </label>
        {error && <p className="form-error" role="alert">{error}</p>}
        <button type="submit" className="primary" disabled={busy}>{busy ? t('login.submitting') : t('login.submit')}</button>
        <CardFooter />
      </form>
    </div>
  );
}
