/** The auditor's verdict: whether the books reconcile, and its red flags, as of a block. */
import { api } from "../api/client";
import { AsOf, ErrorNote, Loading, PageTitle, TableRegion } from "../components/common";
import { useLoad } from "../components/useLoad";
import { useI18n, type MessageKey } from "../i18n";
import { en } from "../i18n/en";

export function AuditPage() {
  const { t } = useI18n();
  const audit = useLoad(() => api.audit(), []);
  const a = audit.data;
  return (
    <>
      <PageTitle title={t("audit.title")}>{t("audit.title")}</PageTitle>
      <p className="lead">{t("audit.lead")}</p>
      {audit.error && <ErrorNote error={audit.error} />}
      {audit.loading && !a && <Loading />}
      {a && (
        <>
          <AsOf block={a.block} />
          <p
            className={`verdict ${a.consistent ? "verdict-ok" : "verdict-bad"}`}
            data-consistent={String(a.consistent)}
          >
            <strong>{a.consistent ? t("audit.consistent") : t("audit.inconsistent")}</strong>
          </p>
          <h2 id="flags-heading">{t("audit.redFlags", { count: a.redFlags.length })}</h2>
          {a.redFlags.length === 0 ? (
            <p>{t("audit.noFlags")}</p>
          ) : (
            <TableRegion label={t("audit.redFlagsTable")}>
              <table className="data" aria-labelledby="flags-heading">
                <thead>
                  <tr>
                    <th scope="col">{t("audit.rule")}</th>
                    <th scope="col">{t("audit.severity")}</th>
                    <th scope="col">{t("audit.subject")}</th>
                    <th scope="col">{t("audit.detail")}</th>
                  </tr>
                </thead>
                <tbody>
                  {a.redFlags.map((f, i) => {
                    const ruleKey = `rule.${f.rule}`;
                    return (
                      <tr key={i} data-rule={f.rule}>
                        <td>{ruleKey in en ? t(ruleKey as MessageKey) : f.rule}</td>
                        <td>{t(`severity.${f.severity === "high" ? "high" : "warning"}`)}</td>
                        <td>
                          <code className="hash">{f.subject}</code>
                        </td>
                        <td lang="en">{f.message}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableRegion>
          )}
        </>
      )}
    </>
  );
}
