import { FluentProvider, Link, makeStaticStyles, makeStyles, mergeClasses, shorthands, Text, tokens } from '@fluentui/react-components';
import { useEffect, type ReactNode } from 'react';

import { AppErrorBoundary } from './AppErrorBoundary.js';
import { useHostTheme, useI18n, useServices } from './ServicesProvider.js';
import { fluentTheme } from './theme.js';

/** Disabled buttons (both ways Fluent disables them) and selects. */
const DISABLED_CONTROLS = '& .fui-Button:disabled, & .fui-Button[aria-disabled="true"], & .fui-Select__select:disabled';

// The page is the app: no browser margin around the themed surface (static styles carry the CSP nonce too).
const useGlobalStyles = makeStaticStyles({ body: { margin: 0 } });

const useStyles = makeStyles({
  provider: {
    minHeight: '100vh',
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorNeutralForeground1,
    // Forced colors (Windows high contrast, any theme): a disabled control is drawn in GrayText, which the palettes
    // make barely different from CanvasText (High Contrast White: #600000 against #000000), and Fluent keeps the
    // same border and weight. A dashed border and normal weight make the state visible without relying on colour.
    '@media (forced-colors: active)': {
      [DISABLED_CONTROLS]: { color: 'GrayText', ...shorthands.borderColor('GrayText'), ...shorthands.borderStyle('dashed'), fontWeight: 'normal', backgroundColor: 'Canvas' },
    },
  },
  /** Teams' high-contrast theme without forced colors: its disabled colour, with the same non-colour cue. */
  contrast: {
    [DISABLED_CONTROLS]: { ...shorthands.borderStyle('dashed'), fontWeight: 'normal' },
  },
  page: { maxWidth: '1400px', marginInline: 'auto', padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalXL}`, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  header: { display: 'flex', flexWrap: 'wrap', justifyContent: 'space-between', alignItems: 'flex-start', gap: tokens.spacingHorizontalL },
  title: { margin: 0, fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold, lineHeight: tokens.lineHeightBase500 },
  skip: {
    position: 'absolute',
    insetInlineStart: '-10000px',
    ':focus': { position: 'static' },
  },
});

/**
 * The page frame every surface shares: the Fluent theme following the host live, the document language, a skip link,
 * the title, and the error boundary around the view.
 */
export function AppShell({ heading, user, children }: { heading: string; user: ReactNode; children: ReactNode }) {
  const { host } = useServices();
  const theme = useHostTheme();
  const { lang, t } = useI18n();
  const s = useStyles();
  useGlobalStyles();
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = `${heading} — ${t('app.title')}`;
  }, [lang, heading, t]);
  const other = lang === 'ja' ? 'en' : 'ja';
  // tabIndex -1: a click on a blank part of the page focuses the frame, not <body>. With the focus on <body>, the focus
  // guards Tabster adds for dialogs (see use-dialog-mount.ts) would be tabbable while aria-hidden.
  return (
    <FluentProvider theme={fluentTheme(theme)} className={mergeClasses(s.provider, theme === 'contrast' && s.contrast)} data-theme={theme} tabIndex={-1}>
      <div className={s.page}>
        <a href="#main" className={s.skip}>
          {t('app.skipToContent')}
        </a>
        <header className={s.header}>
          <div>
            <Text as="h1" block className={s.title}>
              {t('app.title')}
            </Text>
            <Text block size={300}>
              {heading}
            </Text>
          </div>
          {host.capabilities.kind === 'browser' ? (
            <Link href={`?${languageSearch(other)}`} lang={other}>
              {t('app.language')}
            </Link>
          ) : null}
        </header>
        {user}
        <main id="main" tabIndex={-1}>
          <AppErrorBoundary t={t}>{children}</AppErrorBoundary>
        </main>
      </div>
    </FluentProvider>
  );
}

/** The current query with `lang` switched (the scope stays). */
function languageSearch(lang: string): string {
  const q = new URLSearchParams(window.location.search);
  q.set('lang', lang);
  return q.toString();
}
