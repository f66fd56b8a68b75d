/** Tenders: the list, and a tender's detail with bids, agreement, milestones and timeline. */
import { api, type TimelineEntry } from "../api/client";
import {
  AddressText,
  Amount,
  AsOf,
  DateTime,
  ErrorNote,
  Fact,
  Hash,
  Loading,
  PageTitle,
  TableRegion,
  TxLink,
  bytes32Text,
} from "../components/common";
import { useLoad } from "../components/useLoad";
import { useI18n, type MessageKey } from "../i18n";
import { href } from "../router";

export function TendersPage() {
  const { t, fmt } = useI18n();
  const tenders = useLoad(() => api.tenders(), []);
  return (
    <>
      <PageTitle title={t("tenders.title")}>{t("tenders.title")}</PageTitle>
      <p className="lead">{t("tenders.lead")}</p>
      {tenders.error && <ErrorNote error={tenders.error} />}
      {tenders.loading && !tenders.data && <Loading />}
      {tenders.data && (
        <>
          <AsOf block={tenders.data.block} />
          {tenders.data.items.length === 0 ? (
            <p>{t("tenders.none")}</p>
          ) : (
            <TableRegion label={t("tenders.title")}>
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">{t("tenders.tender")}</th>
                    <th scope="col">{t("budget.line")}</th>
                    <th scope="col" className="num">
                      {t("tenders.maxPrice")}
                    </th>
                    <th scope="col">{t("tenders.bidDeadline")}</th>
                    <th scope="col">{t("tenders.revealDeadline")}</th>
                    <th scope="col" className="num">
                      {t("tenders.bids")}
                    </th>
                    <th scope="col">{t("tenders.status")}</th>
                  </tr>
                </thead>
                <tbody>
                  {tenders.data.items.map((tender) => (
                    <tr key={tender.tenderId} data-tender={tender.tenderId}>
                      <th scope="row">
                        <a href={href("tenders", tender.tenderId)}>{t("tenders.number", { id: tender.tenderId })}</a>
                      </th>
                      <td>{bytes32Text(tender.lineId)}</td>
                      <td className="num">
                        <Amount value={tender.maxPrice} />
                      </td>
                      <td>
                        <DateTime value={tender.bidDeadline} />
                      </td>
                      <td>
                        <DateTime value={tender.revealDeadline} />
                      </td>
                      <td className="num">{tender.bidCount === undefined ? "—" : fmt.number(tender.bidCount)}</td>
                      <td>{t(`tenderStatus.${tender.status}` as MessageKey)}</td>
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

/** Amount-valued arguments of timeline events, shown as money. */
const MONEY_ARGS = new Set(["price", "amount", "paid", "retained", "refunded", "maxPrice"]);

function EventArgs({ entry }: { entry: TimelineEntry }) {
  const { t } = useI18n();
  const shown = Object.entries(entry.args).filter(([k]) => k !== "tenderId" && k !== "agreementId");
  if (shown.length === 0) return null;
  return (
    <ul className="args">
      {shown.map(([key, value]) => (
        <li key={key}>
          <span className="arg-name">{t(`arg.${key}` as MessageKey)}:</span>{" "}
          {MONEY_ARGS.has(key) ? (
            <Amount value={String(value)} />
          ) : typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value) ? (
            <AddressText value={value} />
          ) : typeof value === "string" && value.startsWith("0x") ? (
            <Hash value={value} />
          ) : (
            String(value)
          )}
        </li>
      ))}
    </ul>
  );
}

export function TenderPage({ tenderId }: { tenderId: string }) {
  const { t, fmt } = useI18n();
  const detail = useLoad(() => api.tender(tenderId), [tenderId]);
  const title = t("tenders.number", { id: tenderId });
  const d = detail.data;
  const open = d && (d.tender.status === "Bidding" || d.tender.status === "Revealing");
  return (
    <>
      <p className="breadcrumb">
        <a href={href("tenders")}>{t("tenders.back")}</a>
      </p>
      <PageTitle title={title}>{title}</PageTitle>
      {detail.error && <ErrorNote error={detail.error} />}
      {detail.loading && !d && <Loading />}
      {d && (
        <>
          <AsOf block={d.block} />
          <dl className="facts">
            <Fact label={t("tenders.status")} field="status">
              {t(`tenderStatus.${d.tender.status}` as MessageKey)}
            </Fact>
            <Fact label={t("budget.line")}>{bytes32Text(d.tender.lineId)}</Fact>
            <Fact label={t("tenders.maxPrice")} field="maxPrice">
              <Amount value={d.tender.maxPrice} />
            </Fact>
            <Fact label={t("tenders.bidBond")}>
              <Amount value={d.tender.bidBond} />
            </Fact>
            <Fact label={t("tenders.bidDeadline")}>
              <DateTime value={d.tender.bidDeadline} />
            </Fact>
            <Fact label={t("tenders.revealDeadline")}>
              <DateTime value={d.tender.revealDeadline} />
            </Fact>
            <Fact label={t("tenders.retention")}>{fmt.percent(d.tender.retentionBps / 10_000)}</Fact>
            <Fact label={t("tenders.quorum")}>{fmt.number(d.tender.quorum)}</Fact>
            <Fact label={t("tenders.spec")}>
              <Hash value={d.tender.specHash} />
            </Fact>
            <Fact label={t("tenders.bids")} field="bids">
              {fmt.number(d.bids.length)}
            </Fact>
          </dl>
          {open && (
            <p>
              <a className="button" href={href("wallet", "bid", tenderId)}>
                {d.tender.status === "Bidding" ? t("tenders.bidCta") : t("tenders.revealCta")}
              </a>
            </p>
          )}
          <h2 id="bids-heading">{t("tenders.bidsTitle")}</h2>
          {d.bids.length === 0 ? (
            <p>{t("tenders.noBids")}</p>
          ) : (
            <TableRegion label={t("tenders.bidsTitle")}>
              <table className="data" aria-labelledby="bids-heading">
                <thead>
                  <tr>
                    <th scope="col">{t("tenders.bidder")}</th>
                    <th scope="col">{t("tenders.revealed")}</th>
                    <th scope="col" className="num">
                      {t("tenders.price")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {d.bids.map((bid) => (
                    <tr key={bid.bidder}>
                      <td>
                        <AddressText value={bid.bidder} />
                      </td>
                      <td>{bid.revealed ? t("yes") : t("no")}</td>
                      <td className="num">{bid.revealed ? <Amount value={bid.price} /> : t("tenders.sealed")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableRegion>
          )}
          {d.agreement && (
            <>
              <h2>{t("tenders.agreement")}</h2>
              <dl className="facts">
                <Fact label={t("tenders.contractor")}>
                  <AddressText value={d.agreement.contractor} />
                </Fact>
                <Fact label={t("tenders.price")} field="price">
                  <Amount value={d.agreement.price} />
                </Fact>
                <Fact label={t("tenders.paid")}>
                  <Amount value={d.agreement.paid} />
                </Fact>
                <Fact label={t("tenders.retentionHeld")}>
                  <Amount value={d.agreement.retentionHeld} />
                </Fact>
                <Fact label={t("tenders.status")}>{t(`agreementStatus.${d.agreement.status}` as MessageKey)}</Fact>
              </dl>
              <h3 id="milestones-heading">{t("tenders.milestones")}</h3>
              <TableRegion label={t("tenders.milestones")}>
                <table className="data" aria-labelledby="milestones-heading">
                  <thead>
                    <tr>
                      <th scope="col">#</th>
                      <th scope="col" className="num">
                        {t("mv.amount")}
                      </th>
                      <th scope="col">{t("tenders.due")}</th>
                      <th scope="col" className="num">
                        {t("tenders.approvals")}
                      </th>
                      <th scope="col">{t("tenders.status")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.milestones.map((m) => (
                      <tr key={m.index}>
                        <td>{m.index}</td>
                        <td className="num">
                          <Amount value={m.amount} />
                        </td>
                        <td>
                          <DateTime value={m.dueAt} />
                        </td>
                        <td className="num">{fmt.number(m.approvals)}</td>
                        <td>{t(`milestoneStatus.${m.status}` as MessageKey)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableRegion>
            </>
          )}
          <h2>{t("tenders.timeline")}</h2>
          <ol className="timeline">
            {d.timeline.map((entry) => (
              <li key={`${entry.txHash}-${entry.kind}-${JSON.stringify(entry.args)}`} data-kind={entry.kind}>
                <p className="timeline-head">
                  <strong>{t(`event.${entry.kind}` as MessageKey)}</strong> · <DateTime value={entry.timestamp} />
                </p>
                <EventArgs entry={entry} />
                <p className="timeline-tx">
                  {t("mv.tx")}: <TxLink hash={entry.txHash} />
                </p>
              </li>
            ))}
          </ol>
        </>
      )}
    </>
  );
}
