import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage, type Language } from '../i18n/index.ts';

/** Segmented switch between the app's languages (each named in itself). */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <div className="segmented" role="group" aria-label={t('user.language')}>
      {LANGUAGES.map((lng: Language) => (
        <button key={lng} type="button" lang={lng} aria-pressed={i18n.language === lng}
          className={i18n.language === lng ? 'active' : ''} onClick={() => setLanguage(lng)}>
          {t(`language.${lng}`)}
        </button>
      ))}
    </div>
  );
}
