/**
 * A roster claim: find an entry by address in the programme's published roster file (read with
 * Range requests, proof verified against the on-chain root), then claim it. Anyone may send the
 * claim; the money always goes to the listed beneficiary.
 */
import { useId, useState, type FormEvent } from "react";
import { getAddress, isAddress, type Address } from "viem";

import { api } from "../api/client";
import { subsidyDisbursementAbi } from "../chain/abi";
import { Amount, AsOf, DateOnly, ErrorNote, Fact, Loading } from "../components/common";
import { useStatus } from "../components/status";
import { useLoad } from "../components/useLoad";
import { config } from "../config";
import { useI18n, type MessageKey } from "../i18n";
import { href } from "../router";
import { getPublicClient } from "./chain";
import { RosterError, RosterFile, type RosterEntry } from "./roster";
import { contractCall, simulateAndSend } from "./tx";
import { ActionResult, useAction } from "./useAction";
import type { Account } from "./WalletPage";

type Found =
  | { kind: "entry"; entry: RosterEntry; claimed: boolean; blocked: boolean }
  | { kind: "none" }
  | { kind: "error"; message: string };

export function ClaimPage({ programId, account }: { programId: string; account: Account }) {
  const { t } = useI18n();
  const status = useStatus();
  const formId = useId();
  const program = useLoad(() => api.program(programId), [programId]);
  const [who, setWho] = useState("");
  const [found, setFound] = useState<Found>();
  const [busy, setBusy] = useState(false);
  const { state, run } = useAction();
  const target = who.trim() === "" ? account.address : who.trim();
  const find = async (e: FormEvent) => {
    e.preventDefault();
    if (!target || !isAddress(target)) return setFound({ kind: "error", message: t("verify.badHolder") });
    setBusy(true);
    try {
      const roster = await RosterFile.open(
        new URL(`${config().rosterBase}${programId}.json`, document.baseURI).toString(),
      );
      const root = program.data?.program.merkleRoot;
      if (root !== undefined && root.toLowerCase() !== roster.header.root.toLowerCase()) {
        setFound({ kind: "error", message: t("claim.otherRoot") });
        return;
      }
      const entry = await roster.entryOf(getAddress(target));
      if (entry === undefined) return setFound({ kind: "none" });
      const client = getPublicClient();
      const subsidies = status!.contracts.SubsidyDisbursement as Address;
      const [claimed, blocked] = await Promise.all([
        client.readContract({
          address: subsidies,
          abi: subsidyDisbursementAbi,
          functionName: "isClaimed",
          args: [BigInt(programId), BigInt(entry.index)],
        }),
        client.readContract({
          address: subsidies,
          abi: subsidyDisbursementAbi,
          functionName: "isBlocked",
          args: [BigInt(programId), BigInt(entry.index)],
        }),
      ]);
      setFound({ kind: "entry", entry, claimed, blocked });
    } catch (error) {
      setFound({
        kind: "error",
        message:
          error instanceof RosterError && error.message === "not_published"
            ? t("claim.noRoster")
            : t("error.api", { message: (error as Error).message }),
      });
    } finally {
      setBusy(false);
    }
  };
  const claim = (entry: RosterEntry) =>
    void run(async () => {
      const sent = await simulateAndSend(
        contractCall(status!.contracts.SubsidyDisbursement as Address, subsidyDisbursementAbi, "claim", [
          BigInt(programId),
          BigInt(entry.index),
          entry.beneficiary,
          entry.amount,
          entry.proof,
        ]),
        account.address!,
      );
      program.reload();
      setFound({ kind: "entry", entry, claimed: true, blocked: false });
      return { message: t("claim.done", { beneficiary: entry.beneficiary }), sent };
    });
  const p = program.data?.program;
  return (
    <>
      <p className="breadcrumb">
        <a href={href("subsidies")}>{t("claim.back")}</a>
      </p>
      {program.error && <ErrorNote error={program.error} />}
      {program.loading && !p && <Loading />}
      {p && (
        <>
          <AsOf block={program.data!.block} />
          <dl className="facts">
            <Fact label={t("subsidies.state")}>{t(`programState.${p.state}` as MessageKey)}</Fact>
            <Fact label={t("subsidies.remaining")}>
              <Amount value={p.remaining} />
            </Fact>
            <Fact label={t("subsidies.window")}>
              <DateOnly value={p.opensAt} /> – <DateOnly value={p.closesAt} />
            </Fact>
          </dl>
        </>
      )}
      <form className="card" onSubmit={(e) => void find(e)} aria-labelledby={`${formId}-h`}>
        <h2 id={`${formId}-h`}>{t("claim.find")}</h2>
        <p>{t("claim.findHelp")}</p>
        <label htmlFor={`${formId}-who`}>{t("claim.address")}</label>
        <input
          id={`${formId}-who`}
          spellCheck={false}
          autoComplete="off"
          placeholder={account.address ?? "0x…"}
          value={who}
          onChange={(e) => setWho(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          {t("claim.findButton")}
        </button>
        <div aria-live="polite">
          {found?.kind === "none" && (
            <p className="note" data-entry="none">
              {t("claim.notListed")}
            </p>
          )}
          {found?.kind === "error" && (
            <p role="alert" className="note note-error">
              {found.message}
            </p>
          )}
          {found?.kind === "entry" && (
            <div data-entry={found.entry.index}>
              <p>
                {t("claim.entry", { index: found.entry.index })} <Amount value={found.entry.amount} />
              </p>
              <p>
                {found.claimed ? t("claim.alreadyClaimed") : found.blocked ? t("claim.blocked") : t("claim.unclaimed")}
              </p>
              {!found.claimed && !found.blocked && (
                <>
                  {account.address && account.address.toLowerCase() !== found.entry.beneficiary.toLowerCase() && (
                    <p className="help">{t("claim.forSomeoneElse")}</p>
                  )}
                  <button type="button" disabled={!account.ready || state.busy} onClick={() => claim(found.entry)}>
                    {t("claim.button")}
                  </button>
                  {!account.ready && <p className="help">{t("wallet.connectFirst")}</p>}
                </>
              )}
            </div>
          )}
        </div>
        <ActionResult name="claim" state={state} />
      </form>
    </>
  );
}
