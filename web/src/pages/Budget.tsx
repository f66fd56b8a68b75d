/** The public budget: lines of a fiscal year (chart, table, totals) and a line's movements. */
import { useState } from "react";

import { api, type Movement } from "../api/client";
import { BudgetChart } from "../components/BarChart";
import {
  AddressText,
  Amount,
  AsOf,
  DateTime,
  ErrorNote,
  Fact,
  Loading,
  PageTitle,
  TableRegion,
  TxLink,
  bytes32Text,
} from "../components/common";
import { useStatus } from "../components/status";
import { useLoad } from "../components/useLoad";
import { useI18n, type MessageKey } from "../i18n";
import { href } from "../router";

export function BudgetPage({ year }: { year: number | undefined }) {
  const { t } = useI18n();
  const status = useStatus();
  const years = useLoad(() => api.budgetYears(), []);
  const chosen = year ?? years.data?.years[years.data.years.length - 1];
  const lines = useLoad(() => (chosen === undefined ? Promise.resolve(undefined) : api.budgetLines(chosen)), [chosen]);
  const title = chosen === undefined ? t("budget.title") : t("budget.titleYear", { year: chosen });
  return (
    <>
      <PageTitle title={title}>{title}</PageTitle>
      <p className="lead">{t("budget.lead")}</p>
      {years.error && <ErrorNote error={years.error} />}
      {years.data && years.data.years.length === 0 && <p>{t("budget.noYears")}</p>}
      {years.data && years.data.years.length > 0 && (
        <nav aria-label={t("budget.years")} className="pills">
          <ul>
            {years.data.years.map((y) => (
              <li key={y}>
                <a href={href("budget", y)} aria-current={y === chosen ? "page" : undefined}>
                  {y}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {lines.error && <ErrorNote error={lines.error} />}
      {(years.loading || lines.loading) && !lines.data && <Loading />}
      {lines.data && (
        <>
          <AsOf block={lines.data.block} />
          <h2>{t("budget.totals")}</h2>
          <dl className="totals">
            {(["appropriated", "committed", "spent", "available"] as const).map((k) => (
              <div key={k} data-total={k}>
                <dt>{t(`budget.${k}`)}</dt>
                <dd>
                  <Amount value={lines.data!.totals[k]} />
                </dd>
              </div>
            ))}
          </dl>
          {lines.data.lines.length > 0 && (
            <BudgetChart lines={lines.data.lines} title={t("budget.chartTitle", { year: chosen ?? "" })} />
          )}
          <h2 id="lines-heading">{t("budget.lines")}</h2>
          <TableRegion label={t("budget.lines")}>
            <table className="data" aria-labelledby="lines-heading">
              <caption className="visually-hidden">
                {t("budget.tableCaption", { year: chosen ?? "", symbol: status?.token.symbol ?? "" })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("budget.line")}</th>
                  <th scope="col" className="num">
                    {t("budget.appropriated")}
                  </th>
                  <th scope="col" className="num">
                    {t("budget.committed")}
                  </th>
                  <th scope="col" className="num">
                    {t("budget.spent")}
                  </th>
                  <th scope="col" className="num">
                    {t("budget.available")}
                  </th>
                  <th scope="col">{t("budget.state")}</th>
                </tr>
              </thead>
              <tbody>
                {lines.data.lines.map((line) => (
                  <tr key={line.lineId} data-line={line.lineId}>
                    <th scope="row">
                      <a href={href("budget", "line", line.lineId)}>{line.label || bytes32Text(line.lineId)}</a>
                      <br />
                      <small>{bytes32Text(line.lineId)}</small>
                    </th>
                    <td className="num" data-field="appropriated">
                      <Amount value={line.appropriated} />
                    </td>
                    <td className="num" data-field="committed">
                      <Amount value={line.committed} />
                    </td>
                    <td className="num" data-field="spent">
                      <Amount value={line.spent} />
                    </td>
                    <td className="num" data-field="available">
                      <Amount value={line.available} />
                    </td>
                    <td>{line.closed ? t("budget.closed") : t("budget.open")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        </>
      )}
    </>
  );
}

export function BudgetLinePage({ lineId }: { lineId: string }) {
  const { t } = useI18n();
  const line = useLoad(() => api.budgetLine(lineId), [lineId]);
  const [pages, setPages] = useState<Movement[][]>([]);
  const first = useLoad(() => api.lineMovements(lineId), [lineId]);
  const [next, setNext] = useState<string | null | undefined>(undefined);
  const cursor = next === undefined ? first.data?.nextCursor : next;
  const more = async () => {
    if (!cursor) return;
    const page = await api.lineMovements(lineId, cursor);
    setPages((p) => [...p, page.items]);
    setNext(page.nextCursor);
  };
  const movements = [...(first.data?.items ?? []), ...pages.flat()];
  const title = line.data ? line.data.line.label || bytes32Text(lineId) : t("line.title");
  return (
    <>
      <p className="breadcrumb">
        <a href={line.data ? href("budget", line.data.line.fiscalYear) : href("budget")}>{t("line.back")}</a>
      </p>
      <PageTitle title={title}>{title}</PageTitle>
      {line.error && <ErrorNote error={line.error} />}
      {line.loading && !line.data && <Loading />}
      {line.data && (
        <>
          <AsOf block={line.data.block} />
          <dl className="facts">
            <Fact label={t("line.id")}>
              <code>{bytes32Text(line.data.line.lineId)}</code>
            </Fact>
            <Fact label={t("line.year")}>{line.data.line.fiscalYear}</Fact>
            {(["appropriated", "committed", "spent", "available"] as const).map((k) => (
              <Fact key={k} label={t(`budget.${k}`)} field={k}>
                <Amount value={line.data!.line[k]} />
              </Fact>
            ))}
            <Fact label={t("budget.state")}>{line.data.line.closed ? t("budget.closed") : t("budget.open")}</Fact>
          </dl>
        </>
      )}
      <h2 id="movements-heading">{t("line.movements")}</h2>
      {first.error && <ErrorNote error={first.error} />}
      {first.data && movements.length === 0 && <p>{t("line.noMovements")}</p>}
      {movements.length > 0 && (
        <TableRegion label={t("line.movements")}>
          <table className="data" aria-labelledby="movements-heading">
            <thead>
              <tr>
                <th scope="col">{t("mv.time")}</th>
                <th scope="col">{t("mv.kind")}</th>
                <th scope="col" className="num">
                  {t("mv.amount")}
                </th>
                <th scope="col">{t("mv.payee")}</th>
                <th scope="col">{t("mv.module")}</th>
                <th scope="col">{t("mv.ref")}</th>
                <th scope="col">{t("mv.tx")}</th>
              </tr>
            </thead>
            <tbody>
              {movements.map((m) => (
                <tr key={m.id} data-kind={m.kind}>
                  <td>
                    <DateTime value={m.timestamp} />
                  </td>
                  <td>{t(`mvKind.${m.kind}` as MessageKey)}</td>
                  <td className="num">
                    <Amount value={m.amount} />
                  </td>
                  <td>{m.payee ? <AddressText value={m.payee} /> : "—"}</td>
                  <td>{m.module ? <AddressText value={m.module} /> : "—"}</td>
                  <td>{m.ref ? <code className="hash">{bytes32Text(m.ref)}</code> : "—"}</td>
                  <td>
                    <TxLink hash={m.txHash} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
      {cursor && (
        <button type="button" onClick={() => void more()}>
          {t("line.more")}
        </button>
      )}
    </>
  );
}
