import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from './LanguageSwitch.tsx';

/** The brand shown at the top of the stand-alone card pages (login, not found). */
export function CardBrand() {
  const { t } = useTranslation();
  return (
    <div className="brand brand-large">
      <span className="brand-mark" aria-hidden="true" />
      <span className="brand-name">{t('app.name')}</span>
    </div>
  );
}

/** The footer of the stand-alone card pages: the language switch and a link to the API docs. */
export function CardFooter() {
  const { t } = useTranslation();
  return (
    <div className="login-footer">
      <LanguageSwitch />
      <a href="/api/docs">{t('login.docs')}</a>
    </div>
  );
}
