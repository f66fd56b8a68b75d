/** The shell: skip link, header with navigation and language switch, the routed page, footer. */
import { Suspense, lazy, type ReactNode } from "react";

import { Loading } from "./components/common";
import { StatusProvider } from "./components/status";
import { I18nProvider, LOCALES, useI18n, type MessageKey } from "./i18n";
import { AuditPage } from "./pages/Audit";
import { BudgetLinePage, BudgetPage } from "./pages/Budget";
import { HomePage } from "./pages/Home";
import { NotFoundPage } from "./pages/NotFound";
import { PermitPage, PermitsPage } from "./pages/Permits";
import { SubsidiesPage } from "./pages/Subsidies";
import { TenderPage, TendersPage } from "./pages/Tenders";
import { useRoute, type Route } from "./router";

/** The wallet's pages (wagmi, signing) load only when a visitor opens them. */
const WalletPage = lazy(() => import("./wallet/WalletPage"));

const NAV: Array<{ section: string; label: MessageKey }> = [
  { section: "budget", label: "nav.budget" },
  { section: "tenders", label: "nav.tenders" },
  { section: "permits", label: "nav.permits" },
  { section: "subsidies", label: "nav.subsidies" },
  { section: "audit", label: "nav.audit" },
  { section: "wallet", label: "nav.wallet" },
];

function page(route: Route): ReactNode {
  const [section, a, b] = route.path;
  switch (section) {
    case undefined:
      return <HomePage />;
    case "budget":
      if (a === "line" && b !== undefined) return <BudgetLinePage lineId={b} />;
      return <BudgetPage year={a === undefined ? undefined : Number(a)} />;
    case "tenders":
      return a === undefined ? <TendersPage /> : <TenderPage tenderId={a} />;
    case "permits":
      return a === undefined ? <PermitsPage /> : <PermitPage permitId={a} query={route.query} />;
    case "subsidies":
      return <SubsidiesPage />;
    case "audit":
      return <AuditPage />;
    case "wallet":
      return <WalletPage path={route.path.slice(1)} />;
    default:
      return <NotFoundPage />;
  }
}

function Shell() {
  const route = useRoute();
  const { t, locale, setLocale } = useI18n();
  const current = route.path[0];
  const other = LOCALES.find((l) => l !== locale)!;
  return (
    <>
      <a className="skip-link" href="#main" onClick={skipToMain}>
        {t("skip")}
      </a>
      <header className="site-header">
        <div className="bar">
          <a className="site-name" href="#/">
            {t("site.name")}
          </a>
          <span className="site-tagline">{t("site.tagline")}</span>
          <button
            type="button"
            className="lang-switch"
            lang={other}
            onClick={() => setLocale(other)}
            aria-label={t(`lang.switchTo.${other}`)}
          >
            {t(`lang.name.${other}`)}
          </button>
        </div>
        <nav aria-label={t("nav.label")}>
          <ul>
            {NAV.map((item) => (
              <li key={item.section}>
                <a href={`#/${item.section}`} aria-current={current === item.section ? "page" : undefined}>
                  {t(item.label)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>{page(route)}</Suspense>
      </main>
      <footer className="site-footer">
        <p>{t("footer.text")}</p>
      </footer>
    </>
  );
}

/** A hash link to #main would change the route: move the focus instead. */
function skipToMain(event: React.MouseEvent) {
  event.preventDefault();
  document.getElementById("main")?.focus();
}

export function App() {
  return (
    <I18nProvider>
      <StatusProvider>
        <Shell />
      </StatusProvider>
    </I18nProvider>
  );
}
