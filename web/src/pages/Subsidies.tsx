/** Subsidy programmes: budget, paid, claims, window and state of each. */
import { api } from "../api/client";
import { Amount, AsOf, DateOnly, ErrorNote, Loading, PageTitle, TableRegion, bytes32Text } from "../components/common";
import { useLoad } from "../components/useLoad";
import { useI18n, type MessageKey } from "../i18n";
import { href } from "../router";

export function SubsidiesPage() {
  const { t, fmt } = useI18n();
  const programs = useLoad(() => api.programs(), []);
  return (
    <>
      <PageTitle title={t("subsidies.title")}>{t("subsidies.title")}</PageTitle>
      <p className="lead">{t("subsidies.lead")}</p>
      {programs.error && <ErrorNote error={programs.error} />}
      {programs.loading && !programs.data && <Loading />}
      {programs.data && (
        <>
          <AsOf block={programs.data.block} />
          {programs.data.items.length === 0 ? (
            <p>{t("subsidies.none")}</p>
          ) : (
            <TableRegion label={t("subsidies.title")}>
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">{t("subsidies.program")}</th>
                    <th scope="col">{t("subsidies.kind")}</th>
                    <th scope="col">{t("budget.line")}</th>
                    <th scope="col" className="num">
                      {t("subsidies.budget")}
                    </th>
                    <th scope="col" className="num">
                      {t("subsidies.paid")}
                    </th>
                    <th scope="col" className="num">
                      {t("subsidies.remaining")}
                    </th>
                    <th scope="col" className="num">
                      {t("subsidies.claims")}
                    </th>
                    <th scope="col">{t("subsidies.window")}</th>
                    <th scope="col">{t("subsidies.state")}</th>
                  </tr>
                </thead>
                <tbody>
                  {programs.data.items.map((p) => (
                    <tr key={p.programId} data-program={p.programId}>
                      <th scope="row">{t("subsidies.number", { id: p.programId })}</th>
                      <td>{t(`programKind.${p.kind}` as MessageKey)}</td>
                      <td>{bytes32Text(p.lineId)}</td>
                      <td className="num" data-field="budget">
                        <Amount value={p.budget} />
                      </td>
                      <td className="num" data-field="paid">
                        <Amount value={p.paid} />
                      </td>
                      <td className="num" data-field="remaining">
                        <Amount value={p.remaining} />
                      </td>
                      <td className="num" data-field="claims">
                        {fmt.number(p.claims)}
                      </td>
                      <td>
                        <DateOnly value={p.opensAt} /> – <DateOnly value={p.closesAt} />
                      </td>
                      <td>
                        {t(`programState.${p.state}` as MessageKey)}
                        {p.kind === "roster" && p.state === "Open" && (
                          <>
                            <br />
                            <a href={href("wallet", "claim", p.programId)}>
                              {t("subsidies.claimCta")}
                              <span className="visually-hidden"> {t("subsidies.number", { id: p.programId })}</span>
                            </a>
                          </>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableRegion>
          )}
        </>
      )}
    </>
  );
}
