/** Small pieces every page uses: the block a page is true at, amounts, hashes, links, states. */
import { useEffect, useRef, type ReactNode } from "react";

import { ApiError, type BlockRef } from "../api/client";
import { addressUrl, txUrl } from "../config";
import { useI18n, type MessageKey } from "../i18n";
import { useStatus } from "./status";

/** True until the first page has rendered: the first load keeps the focus where the browser put it. */
let firstPage = true;

/**
 * The page's heading: sets the document title and, after a route change (not on the first
 * load, so that the skip link stays the first stop), takes the focus for screen readers.
 */
export function PageTitle({ children, title }: { children: ReactNode; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${title} · ${t("site.name")}`;
  }, [title, t]);
  useEffect(() => {
    if (firstPage) {
      firstPage = false;
      return;
    }
    ref.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

/** "Figures true at block N (date, time)": every page says which block its figures come from. */
export function AsOf({ block }: { block: BlockRef | undefined }) {
  const { t, fmt } = useI18n();
  if (block === undefined) return null;
  return (
    <p className="as-of" data-block={block.number}>
      {t("asOf", { block: fmt.number(BigInt(block.number)), time: fmt.dateTime(block.timestamp) })}
    </p>
  );
}

/** An amount of the settlement token, with its symbol; `value` holds the base units. */
export function Amount({ value, bare }: { value: string | bigint; bare?: boolean }) {
  const { fmt } = useI18n();
  const status = useStatus();
  const decimals = status?.token.decimals ?? 0;
  const text = bare ? fmt.units(value, decimals) : fmt.amount(value, decimals, status?.token.symbol);
  return <data value={String(value)}>{text}</data>;
}

export function DateTime({ value }: { value: number }) {
  const { fmt } = useI18n();
  return <time dateTime={new Date(value * 1000).toISOString()}>{fmt.dateTime(value)}</time>;
}

export function DateOnly({ value }: { value: number }) {
  const { fmt } = useI18n();
  return <time dateTime={new Date(value * 1000).toISOString()}>{fmt.date(value)}</time>;
}

export function Hash({ value }: { value: string }) {
  return <code className="hash">{value}</code>;
}

/** A transaction: a link to the configured block explorer, or the hash itself on a local chain. */
export function TxLink({ hash }: { hash: string }) {
  const { t } = useI18n();
  const link = txUrl(hash);
  if (link === undefined) return <Hash value={hash} />;
  return (
    <a href={link} rel="noopener noreferrer" target="_blank">
      <span className="visually-hidden">{t("tx.open")} </span>
      <code className="hash">{hash}</code>
    </a>
  );
}

export function AddressText({ value }: { value: string }) {
  const status = useStatus();
  const { t } = useI18n();
  const known = status
    ? Object.entries(status.contracts).find(([, a]) => a.toLowerCase() === value.toLowerCase())?.[0]
    : undefined;
  const link = addressUrl(value);
  const code = <code className="hash">{value}</code>;
  return (
    <span>
      {known !== undefined && <span className="contract-name">{t(`contract.${known}` as MessageKey)} </span>}
      {link === undefined ? (
        code
      ) : (
        <a href={link} rel="noopener noreferrer" target="_blank">
          {code}
        </a>
      )}
    </span>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p role="status" className="loading">
      {t("loading")}
    </p>
  );
}

/** An answer the page could not get, in one sentence. */
export function ErrorNote({ error }: { error: Error }) {
  const { t } = useI18n();
  let text: string;
  if (error instanceof ApiError) {
    text =
      error.status === 0
        ? t("error.unreachable")
        : error.status === 404
          ? t("error.notFound")
          : t("error.api", { message: error.message });
  } else {
    text = t("error.api", { message: error.message });
  }
  return (
    <p role="alert" className="note note-error">
      {text}
    </p>
  );
}

/** A wide table that scrolls sideways on a phone, reachable by keyboard. */
export function TableRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

/** bytes32 text (`ROADS-2027`) as text; other hashes as hex. */
export function bytes32Text(value: string | null | undefined): string {
  if (!value || !/^0x[0-9a-fA-F]{64}$/.test(value)) return value ?? "";
  const bytes = value
    .slice(2)
    .match(/../g)!
    .map((b) => parseInt(b, 16));
  const end = bytes.indexOf(0);
  const used = end === -1 ? bytes : bytes.slice(0, end);
  if (used.length === 0 || bytes.slice(used.length).some((b) => b !== 0)) return value;
  if (!used.every((b) => b >= 0x20 && b < 0x7f)) return value;
  return String.fromCharCode(...used);
}

/** One fact of a `<dl className="facts">`: every group wrapped, as HTML allows. */
export function Fact({ label, children, field }: { label: string; children: ReactNode; field?: string }) {
  return (
    <div className="fact" data-field={field}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
