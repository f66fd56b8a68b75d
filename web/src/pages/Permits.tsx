/**
 * Permit verification for anyone: by permit id, by the payload of the QR code the portal shows
 * for each permit, or by holder and document file (hashed here, in the browser: the file never
 * leaves the device). The answer: valid, expired, suspended or revoked, with dates and issuer.
 */
import { useEffect, useId, useState, type FormEvent } from "react";
import { isAddress, keccak256 } from "viem";

import { api, type Answer, type Permit } from "../api/client";
import { AddressText, AsOf, DateTime, ErrorNote, Fact, Hash, Loading, PageTitle } from "../components/common";
import { useStatus } from "../components/status";
import { useLoad } from "../components/useLoad";
import { config } from "../config";
import { useI18n, type MessageKey } from "../i18n";
import { absoluteHref, href, parseHash } from "../router";

/** keccak256 of a file's bytes, as the applicant hashed it (scripts/lib/hashes.ts `hashFile`). */
export async function hashFile(file: File): Promise<`0x${string}`> {
  return keccak256(new Uint8Array(await file.arrayBuffer()));
}

/** The QR payload of a permit: the absolute URL of its verification page, naming chain and registry. */
export function qrPayload(permitId: string, registry: string, chainId: number): string {
  return `${absoluteHref("permits", permitId)}?chain=${chainId}&registry=${registry}`;
}

/** Reads a scanned payload (a verification URL, or a bare permit id). */
export function parsePayload(text: string): { permitId: string; chain?: string; registry?: string } | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { permitId: trimmed };
  try {
    const route = parseHash(new URL(trimmed).hash);
    const [section, permitId] = route.path;
    if (section !== "permits" || permitId === undefined || !/^\d+$/.test(permitId)) return undefined;
    return {
      permitId,
      chain: route.query.get("chain") ?? undefined,
      registry: route.query.get("registry") ?? undefined,
    };
  } catch {
    return undefined;
  }
}

const STATUS_KEY: Record<Permit["status"], MessageKey> = {
  valid: "permit.valid",
  expired: "permit.expired",
  suspended: "permit.suspended",
  revoked: "permit.revoked",
};

/** The answer of a verification. */
export function PermitAnswer({ answer }: { answer: Answer & { permit: Permit } }) {
  const { t } = useI18n();
  const p = answer.permit;
  return (
    <section className={`permit-answer permit-${p.status}`} aria-labelledby={`permit-${p.permitId}-verdict`}>
      <h2 id={`permit-${p.permitId}-verdict`} data-status={p.status}>
        <span aria-hidden="true" className="verdict-icon">
          {p.status === "valid" ? "✓" : "✗"}
        </span>{" "}
        {t("permit.answer", { id: p.permitId, status: t(STATUS_KEY[p.status]) })}
      </h2>
      <AsOf block={answer.block} />
      <dl className="facts">
        <Fact label={t("permit.type")}>{p.typeName}</Fact>
        <Fact label={t("permit.holder")}>
          <AddressText value={p.holder} />
        </Fact>
        <Fact label={t("permit.issuedAt")}>
          <DateTime value={p.issuedAt} />
        </Fact>
        <Fact label={t("permit.expiresAt")} field="expiresAt">
          <DateTime value={p.expiresAt} />
        </Fact>
        <Fact label={t("permit.issuer")}>
          {config().authority} · <AddressText value={p.registry} />
        </Fact>
        <Fact label={t("permit.document")}>
          <Hash value={p.documentHash} />
        </Fact>
      </dl>
    </section>
  );
}

function ById() {
  const { t } = useI18n();
  const inputId = useId();
  const [value, setValue] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (/^\d+$/.test(value.trim())) window.location.hash = href("permits", value.trim());
  };
  return (
    <form onSubmit={submit} className="card" aria-labelledby={`${inputId}-h`}>
      <h2 id={`${inputId}-h`}>{t("verify.byId")}</h2>
      <label htmlFor={inputId}>{t("verify.permitId")}</label>
      <input
        id={inputId}
        inputMode="numeric"
        pattern="[0-9]+"
        required
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <button type="submit">{t("verify.check")}</button>
    </form>
  );
}

function ByQr() {
  const { t } = useI18n();
  const inputId = useId();
  const [value, setValue] = useState("");
  const [problem, setProblem] = useState<string>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parsePayload(value);
    if (parsed === undefined) return setProblem(t("verify.badPayload"));
    setProblem(undefined);
    const query = parsed.registry ? `?chain=${parsed.chain ?? ""}&registry=${parsed.registry}` : "";
    window.location.hash = `${href("permits", parsed.permitId)}${query}`;
  };
  return (
    <form onSubmit={submit} className="card" aria-labelledby={`${inputId}-h`}>
      <h2 id={`${inputId}-h`}>{t("verify.byQr")}</h2>
      <p>{t("verify.byQrHelp")}</p>
      <label htmlFor={inputId}>{t("verify.payload")}</label>
      <input
        id={inputId}
        required
        value={value}
        onChange={(e) => setValue(e.target.value)}
        aria-describedby={problem ? `${inputId}-err` : undefined}
      />
      {problem && (
        <p id={`${inputId}-err`} role="alert" className="field-error">
          {problem}
        </p>
      )}
      <button type="submit">{t("verify.check")}</button>
    </form>
  );
}

function ByDocument() {
  const { t } = useI18n();
  const formId = useId();
  const [holder, setHolder] = useState("");
  const [file, setFile] = useState<File>();
  const [hash, setHash] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const [result, setResult] = useState<{ answer?: Answer & { permit: Permit }; error?: Error }>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!isAddress(holder.trim())) return setProblem(t("verify.badHolder"));
    if (file === undefined) return setProblem(t("verify.noFile"));
    setProblem(undefined);
    setBusy(true);
    try {
      const documentHash = await hashFile(file);
      setHash(documentHash);
      setResult({ answer: await api.permitByDocument(holder.trim(), documentHash) });
    } catch (error) {
      setResult({ error: error as Error });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="card" aria-labelledby={`${formId}-h`}>
      <h2 id={`${formId}-h`}>{t("verify.byDocument")}</h2>
      <p>{t("verify.byDocumentHelp")}</p>
      <label htmlFor={`${formId}-holder`}>{t("verify.holder")}</label>
      <input
        id={`${formId}-holder`}
        required
        spellCheck={false}
        autoComplete="off"
        placeholder="0x…"
        value={holder}
        onChange={(e) => setHolder(e.target.value)}
      />
      <label htmlFor={`${formId}-file`}>{t("verify.file")}</label>
      <input id={`${formId}-file`} type="file" required onChange={(e) => setFile(e.target.files?.[0] ?? undefined)} />
      {problem && (
        <p role="alert" className="field-error">
          {problem}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {t("verify.check")}
      </button>
      <div aria-live="polite">
        {hash && (
          <p>
            {t("verify.hash")} <Hash value={hash} />
          </p>
        )}
        {result?.answer && <PermitAnswer answer={result.answer} />}
        {result?.error &&
          ("code" in result.error && (result.error as { code: string }).code === "permit_not_found" ? (
            <p role="alert" className="note note-error" data-status="none">
              {t("verify.noPermitForDocument")}
            </p>
          ) : (
            <ErrorNote error={result.error} />
          ))}
      </div>
    </form>
  );
}

export function PermitsPage() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle title={t("permits.title")}>{t("permits.title")}</PageTitle>
      <p className="lead">{t("permits.lead")}</p>
      <div className="grid">
        <ById />
        <ByQr />
        <ByDocument />
      </div>
    </>
  );
}

/** A QR code of `payload` as SVG (the qrcode package loads only here). */
function QrCode({ payload, label }: { payload: string; label: string }) {
  const [svg, setSvg] = useState<string>();
  useEffect(() => {
    let live = true;
    void import("qrcode").then((qr) =>
      qr.toString(payload, { type: "svg", margin: 2, errorCorrectionLevel: "M" }).then((s) => live && setSvg(s)),
    );
    return () => {
      live = false;
    };
  }, [payload]);
  if (svg === undefined) return null;
  const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  return <img className="qr" src={src} alt={label} width={200} height={200} />;
}

export function PermitPage({ permitId, query }: { permitId: string; query: URLSearchParams }) {
  const { t } = useI18n();
  const status = useStatus();
  const answer = useLoad(() => api.permit(permitId), [permitId]);
  const registry = answer.data?.permit.registry;
  const chainId = status?.chainId ?? config().chainId;
  const otherDeployment =
    (query.get("registry") !== null &&
      registry !== undefined &&
      query.get("registry")!.toLowerCase() !== registry.toLowerCase()) ||
    (query.get("chain") !== null && query.get("chain") !== "" && Number(query.get("chain")) !== chainId);
  const title = t("permit.title", { id: permitId });
  const payload = registry === undefined ? undefined : qrPayload(permitId, registry, chainId);
  return (
    <>
      <p className="breadcrumb">
        <a href={href("permits")}>{t("permit.back")}</a>
      </p>
      <PageTitle title={title}>{title}</PageTitle>
      {otherDeployment && (
        <p role="alert" className="note note-error">
          {t("permit.otherDeployment")}
        </p>
      )}
      {answer.error && <ErrorNote error={answer.error} />}
      {answer.loading && !answer.data && <Loading />}
      {answer.data && !otherDeployment && <PermitAnswer answer={answer.data} />}
      {payload && (
        <section aria-labelledby="qr-heading" className="qr-section">
          <h2 id="qr-heading">{t("permit.qrTitle")}</h2>
          <p>{t("permit.qrHelp")}</p>
          <QrCode payload={payload} label={t("permit.qrAlt", { id: permitId })} />
          <p>
            {t("permit.qrPayload")}{" "}
            <code className="hash" data-qr-payload={payload}>
              {payload}
            </code>
          </p>
        </section>
      )}
    </>
  );
}
