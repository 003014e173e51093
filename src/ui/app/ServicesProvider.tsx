import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

import type { HostTheme } from '../../hosts/host-bridge.js';
import { createTranslator, pickLanguage, type Lang, type Translate } from '../i18n/i18n.js';
import type { Services } from './services.js';

const ServicesContext = createContext<Services | null>(null);

/** Provides the composed services to the tree (the QueryClientProvider pattern). */
export function ServicesProvider({ services, children }: { services: Services; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

/** The services; a component outside the provider is a programming error. */
export function useServices(): Services {
  const s = useContext(ServicesContext);
  if (!s) throw new Error('useServices: no <ServicesProvider> above this component');
  return s;
}

/** The host's theme, following live changes (Teams theme switch, OS dark mode, forced colors). */
export function useHostTheme(): HostTheme {
  const { host } = useServices();
  const [theme, setTheme] = useState<HostTheme>(() => host.context().theme);
  useEffect(() => host.onThemeChange(setTheme), [host]);
  return theme;
}

/** The UI language and its translator, from the host's locale. */
export function useI18n(): { lang: Lang; t: Translate } {
  const { host } = useServices();
  const locale = host.context().locale;
  return useMemo(() => {
    const lang = pickLanguage(locale);
    return { lang, t: createTranslator(lang) };
  }, [locale]);
}
