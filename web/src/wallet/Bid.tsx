/**
 * A firm's sealed bid: the price and the proposal file's hash are sealed here with a salt from
 * crypto.getRandomValues; the secret is offered as a file (the CLI's format) that must be saved
 * before the bid is sent (the page warns before leaving without it); the reveal reads that file.
 */
import { useEffect, useId, useState, type FormEvent } from "react";
import { parseUnits, zeroHash, type Address } from "viem";

import { api } from "../api/client";
import { procurementEscrowAbi, testStablecoinAbi } from "../chain/abi";
import { Amount, AsOf, DateTime, ErrorNote, Fact, Hash, Loading } from "../components/common";
import { useStatus } from "../components/status";
import { useLoad } from "../components/useLoad";
import { config } from "../config";
import { useI18n, type MessageKey } from "../i18n";
import { hashFile } from "../pages/Permits";
import { href } from "../router";
import { getPublicClient } from "./chain";
import { BidFileError, bidFileName, bidFileText, computeSeal, newSalt, parseBidFile, type BidSecret } from "./seal";
import { contractCall, simulateAndSend } from "./tx";
import { ActionResult, useAction } from "./useAction";
import type { Account } from "./WalletPage";

function useLeaveWarning(active: boolean) {
  useEffect(() => {
    if (!active) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [active]);
}

function SubmitBid({
  tenderId,
  account,
  bond,
  decimals,
  onDone,
}: {
  tenderId: string;
  account: Account;
  bond: bigint;
  decimals: number;
  onDone(): void;
}) {
  const { t, fmt } = useI18n();
  const status = useStatus();
  const formId = useId();
  const [price, setPrice] = useState("");
  const [proposal, setProposal] = useState<File>();
  const [secret, setSecret] = useState<BidSecret>();
  const [saved, setSaved] = useState(false);
  const [problem, setProblem] = useState<string>();
  const { state, run } = useAction();
  useLeaveWarning(secret !== undefined && !saved);
  const prepare = async (e: FormEvent) => {
    e.preventDefault();
    if (!account.address || !status || !proposal) return;
    let base: bigint;
    try {
      base = parseUnits(price.trim(), decimals);
      if (base <= 0n) throw new Error("zero");
    } catch {
      return setProblem(t("bid.badPrice"));
    }
    setProblem(undefined);
    const partial = {
      chainId: BigInt(config().chainId),
      escrow: status.contracts.ProcurementEscrow as Address,
      tenderId: BigInt(tenderId),
      bidder: account.address,
      price: base,
      proposalHash: await hashFile(proposal),
      salt: newSalt(),
    };
    setSaved(false);
    setSecret({ ...partial, seal: computeSeal(partial) });
  };
  const send = () =>
    void run(async () => {
      const escrow = secret!.escrow;
      const client = getPublicClient();
      const bid = await client.readContract({
        address: escrow,
        abi: procurementEscrowAbi,
        functionName: "getBid",
        args: [BigInt(tenderId), account.address!],
      });
      const firstBid = bid.sealedBid === zeroHash;
      if (firstBid && bond > 0n) {
        const token = status!.token.address as Address;
        const allowance = await client.readContract({
          address: token,
          abi: testStablecoinAbi,
          functionName: "allowance",
          args: [account.address!, escrow],
        });
        if (allowance < bond)
          await simulateAndSend(contractCall(token, testStablecoinAbi, "approve", [escrow, bond]), account.address!);
      }
      const sent = await simulateAndSend(
        contractCall(escrow, procurementEscrowAbi, "submitBid", [BigInt(tenderId), secret!.seal]),
        account.address!,
      );
      onDone();
      return { message: t(firstBid ? "bid.sent" : "bid.replaced"), sent };
    });
  const fileUrl = secret
    ? URL.createObjectURL(new Blob([bidFileText(secret)], { type: "application/json" }))
    : undefined;
  return (
    <form className="card" onSubmit={(e) => void prepare(e)} aria-labelledby={`${formId}-h`}>
      <h2 id={`${formId}-h`}>{t("bid.submitTitle")}</h2>
      <p>{t("bid.howItWorks")}</p>
      <label htmlFor={`${formId}-price`}>{t("bid.price", { symbol: status?.token.symbol ?? "" })}</label>
      <input
        id={`${formId}-price`}
        inputMode="decimal"
        required
        value={price}
        onChange={(e) => setPrice(e.target.value)}
      />
      <label htmlFor={`${formId}-proposal`}>{t("bid.proposal")}</label>
      <input id={`${formId}-proposal`} type="file" required onChange={(e) => setProposal(e.target.files?.[0])} />
      {problem && (
        <p role="alert" className="field-error">
          {problem}
        </p>
      )}
      <button type="submit" disabled={!account.ready}>
        {t("bid.prepare")}
      </button>
      {secret && fileUrl && (
        <div className="secret" aria-live="polite">
          <p>
            <strong>{t("bid.saveFirst")}</strong>
          </p>
          <p>
            {t("bid.seal")} <Hash value={secret.seal} />
          </p>
          <a className="button" href={fileUrl} download={bidFileName(secret)} onClick={() => setSaved(true)}>
            {t("bid.download")}
          </a>
          {!saved && <p className="help">{t("bid.notSaved")}</p>}
          <button type="button" disabled={!saved || state.busy || !account.ready} onClick={send}>
            {t("bid.send", { bond: fmt.amount(bond, decimals, status?.token.symbol) })}
          </button>
        </div>
      )}
      <ActionResult name="bid" state={state} />
    </form>
  );
}

function RevealBid({ tenderId, account, onDone }: { tenderId: string; account: Account; onDone(): void }) {
  const { t } = useI18n();
  const status = useStatus();
  const formId = useId();
  const [file, setFile] = useState<File>();
  const { state, run } = useAction();
  const [problem, setProblem] = useState<string>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file || !account.address || !status) return;
    let secret: BidSecret;
    try {
      secret = parseBidFile(await file.text());
    } catch (error) {
      const reason = error instanceof BidFileError ? error.reason : "damaged";
      return setProblem(t(`bid.file.${reason}` as MessageKey, { field: (error as BidFileError).field ?? "" }));
    }
    const escrow = status.contracts.ProcurementEscrow as Address;
    if (
      secret.chainId !== BigInt(config().chainId) ||
      secret.escrow.toLowerCase() !== escrow.toLowerCase() ||
      secret.tenderId !== BigInt(tenderId)
    ) {
      return setProblem(t("bid.file.otherTender"));
    }
    if (secret.bidder.toLowerCase() !== account.address.toLowerCase()) {
      return setProblem(t("bid.file.otherBidder", { bidder: secret.bidder }));
    }
    setProblem(undefined);
    void run(async () => {
      const sent = await simulateAndSend(
        contractCall(escrow, procurementEscrowAbi, "revealBid", [
          secret.tenderId,
          secret.price,
          secret.proposalHash,
          secret.salt,
        ]),
        account.address!,
      );
      onDone();
      return { message: t("bid.revealed"), sent };
    });
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby={`${formId}-h`}>
      <h2 id={`${formId}-h`}>{t("bid.revealTitle")}</h2>
      <p>{t("bid.revealHelp")}</p>
      <label htmlFor={`${formId}-file`}>{t("bid.secretFile")}</label>
      <input
        id={`${formId}-file`}
        type="file"
        accept="application/json,.json"
        required
        onChange={(e) => setFile(e.target.files?.[0])}
      />
      {problem && (
        <p role="alert" className="field-error">
          {problem}
        </p>
      )}
      <button type="submit" disabled={!account.ready || state.busy}>
        {t("bid.reveal")}
      </button>
      <ActionResult name="reveal" state={state} />
    </form>
  );
}

export function BidPage({ tenderId, account }: { tenderId: string; account: Account }) {
  const { t } = useI18n();
  const status = useStatus();
  const detail = useLoad(() => api.tender(tenderId), [tenderId]);
  const d = detail.data;
  return (
    <>
      <p className="breadcrumb">
        <a href={href("tenders", tenderId)}>{t("bid.back")}</a>
      </p>
      {detail.error && <ErrorNote error={detail.error} />}
      {detail.loading && !d && <Loading />}
      {d && status && (
        <>
          <AsOf block={d.block} />
          <dl className="facts">
            <Fact label={t("tenders.status")} field="status">
              {t(`tenderStatus.${d.tender.status}` as MessageKey)}
            </Fact>
            <Fact label={t("tenders.maxPrice")}>
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
          </dl>
          {d.tender.status === "Bidding" && (
            <SubmitBid
              tenderId={tenderId}
              account={account}
              bond={BigInt(d.tender.bidBond)}
              decimals={status.token.decimals}
              onDone={detail.reload}
            />
          )}
          {d.tender.status === "Revealing" && (
            <RevealBid tenderId={tenderId} account={account} onDone={detail.reload} />
          )}
          {d.tender.status !== "Bidding" && d.tender.status !== "Revealing" && <p>{t("bid.closed")}</p>}
        </>
      )}
    </>
  );
}
