import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { CardBrand, CardFooter } from './CardPage.tsx';
import { CONTROL_ROOM_PATH } from './routes.ts';

/** Any path the app has no page for: says so, names the path, and links back to the control room. */
export function NotFound({ path }: { path: string }) {
  const { t } = useTranslation();
  return (
    <div className="login-page" data-testid="not-found">
      <main className="login-card not-found">
        <CardBrand />
        <p className="not-found-code" aria-hidden="true">404</p>
        <h1>{t('notFound.title')}</h1>
        <p className="login-tagline">{t('notFound.detail', { path })}</p>
        <Link href={CONTROL_ROOM_PATH} className="button primary">{t('notFound.back')}</Link>
        <CardFooter />
      </main>
    </div>
  );
}
