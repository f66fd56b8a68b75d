import { PageTitle } from "../components/common";
import { useI18n, type MessageKey } from "../i18n";

const SECTIONS: Array<{ section: string; title: MessageKey; text: MessageKey }> = [
  { section: "budget", title: "nav.budget", text: "home.budget" },
  { section: "tenders", title: "nav.tenders", text: "home.tenders" },
  { section: "permits", title: "nav.permits", text: "home.permits" },
  { section: "subsidies", title: "nav.subsidies", text: "home.subsidies" },
  { section: "audit", title: "nav.audit", text: "home.audit" },
  { section: "wallet", title: "nav.wallet", text: "home.wallet" },
];

export function HomePage() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle title={t("home.title")}>{t("home.title")}</PageTitle>
      <p className="lead">{t("home.lead")}</p>
      <ul className="cards">
        {SECTIONS.map((s) => (
          <li key={s.section}>
            <h2>
              <a href={`#/${s.section}`}>{t(s.title)}</a>
            </h2>
            <p>{t(s.text)}</p>
          </li>
        ))}
      </ul>
    </>
  );
}
